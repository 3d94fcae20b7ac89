/** The language chosen on this device (not PHI; readable by the offline page's script). */
export const LANGUAGE_COOKIE = 'lang';

export function languageCookieOptions(url: URL) {
	return {
		path: '/',
		maxAge: 60 * 60 * 24 * 365,
		sameSite: 'lax' as const,
		httpOnly: false,
		secure: url.protocol === 'https:'
	};
}
