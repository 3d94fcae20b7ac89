import { redirect } from '@sveltejs/kit';
import { StaffSignInInput } from '$lib/server/identity/schema';
import { signInStaff } from '$lib/server/identity/sign-in';
import { signOut } from '$lib/server/identity/sign-out';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { clearSessionCookie, setSessionCookie } from '$lib/server/platform/http/session-cookie';
import { parseInput } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.auth?.kind === 'staff') redirect(303, '/staff');
	return { ended: url.searchParams.get('ended') === '1', recovery: url.searchParams.has('recovery') };
};

export const actions: Actions = {
	signin: async (event) => {
		const form = await event.request.formData();
		const field = (name: string) => formText(form, name);
		const email = field('email');
		try {
			const input = parseInput(StaffSignInInput, {
				email,
				password: field('password'),
				// A recovery code stands in for the authenticator app's code.
				otp: field('otp') || field('recovery')
			});
			const runtime = requireRuntime(event.locals);
			const { token, session } = await signInStaff(
				serviceContext(runtime, event.locals),
				input,
				event.locals.origin
			);
			setSessionCookie(event.cookies, token, session.expiresAt);
		} catch (e) {
			// Only the email is echoed back; never the password or the code.
			return formFailure(event, e, { email });
		}
		redirect(303, '/staff');
	},
	signout: async (event) => {
		if (event.locals.auth) {
			await signOut(serviceContext(requireRuntime(event.locals), event.locals), event.locals.auth.session.id);
		}
		clearSessionCookie(event.cookies);
		redirect(303, '/staff/sign-in');
	}
};
