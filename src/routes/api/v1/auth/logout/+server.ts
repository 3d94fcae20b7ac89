import { json } from '@sveltejs/kit';
import { signOut } from '$lib/server/identity/sign-out';
import { serviceContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { clearSessionCookie } from '$lib/server/platform/http/session-cookie';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = api(async ({ locals, cookies }) => {
	if (locals.auth) await signOut(serviceContext(requireRuntime(locals), locals), locals.auth.session.id);
	clearSessionCookie(cookies);
	return json({ signedOut: true });
});
