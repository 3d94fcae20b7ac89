import type { Cookies } from '@sveltejs/kit';
import { config } from '../config';

export const SESSION_COOKIE = 'session';

/** HttpOnly, SameSite=Lax, Secure in production; expires with the session's absolute lifetime. */
export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config().env === 'production',
		expires: expiresAt
	});
}

export function clearSessionCookie(cookies: Cookies): void {
	cookies.delete(SESSION_COOKIE, { path: '/' });
}
