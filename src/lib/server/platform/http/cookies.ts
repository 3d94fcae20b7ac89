import { config } from '../config';

/** The language chosen on this device (not PHI; readable by the offline page's script). */
export const LANGUAGE_COOKIE = 'lang';

/**
 * Secure in production (always HTTPS there). Not in development: adapter-node cannot tell HTTP from
 * HTTPS without a proxy header, and a phone on the clinic's network reaching http://<laptop>:3000
 * must still keep its language.
 */
export function languageCookieOptions() {
	return {
		path: '/',
		maxAge: 60 * 60 * 24 * 365,
		sameSite: 'lax' as const,
		httpOnly: false,
		secure: config().env === 'production'
	};
}
