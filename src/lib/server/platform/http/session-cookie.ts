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

/** A guest's session: one visit, while it runs (src/lib/server/visits/guests.ts). */
export const GUEST_COOKIE = 'guest';

/** HttpOnly and scoped like the session cookie; it lasts a working day at most, the visit ends it sooner. */
export function setGuestCookie(cookies: Cookies, token: string): void {
	cookies.set(GUEST_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config().env === 'production',
		maxAge: 12 * 60 * 60
	});
}

export function clearGuestCookie(cookies: Cookies): void {
	cookies.delete(GUEST_COOKIE, { path: '/' });
}
