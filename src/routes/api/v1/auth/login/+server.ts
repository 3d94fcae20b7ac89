import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { StaffSignInInput } from '$lib/server/identity/schema';
import { signInStaff } from '$lib/server/identity/sign-in';
import { serviceContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { setSessionCookie } from '$lib/server/platform/http/session-cookie';
import { readJson } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const Body = v.strictObject(StaffSignInInput.entries);

export const POST: RequestHandler = api(async ({ locals, request, cookies }) => {
	const input = await readJson(request, Body, { maxBytes: 4096 });
	const runtime = requireRuntime(locals);
	const { token, session, account } = await signInStaff(
		serviceContext(runtime, locals),
		input,
		locals.origin
	);
	setSessionCookie(cookies, token, session.expiresAt);
	return json({
		staff: { id: account.id, email: account.email, displayName: account.displayName, roles: account.roles },
		session: {
			expiresAt: session.expiresAt.toISOString(),
			idleExpiresAt: session.idleExpiresAt.toISOString()
		}
	});
});
