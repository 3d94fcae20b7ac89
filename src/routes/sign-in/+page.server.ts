import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { requestPatientCode } from '$lib/server/identity/patient-sign-in';
import { signOut } from '$lib/server/identity/sign-out';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { clearSessionCookie } from '$lib/server/platform/http/session-cookie';
import { parseInput } from '$lib/server/platform/http/validation';
import type { Actions } from './$types';

const RequestForm = v.object({
	contact: v.pipe(
		v.string('errors:field.type_string'),
		v.trim(),
		v.nonEmpty('errors:field.required'),
		v.maxLength(254, 'errors:field.too_long')
	)
});

export const actions: Actions = {
	request: async (event) => {
		const contact = formText(await event.request.formData(), 'contact');
		let challengeId: string;
		try {
			const input = parseInput(RequestForm, { contact });
			const ctx = serviceContext(requireRuntime(event.locals), event.locals);
			({ challengeId } = await requestPatientCode(ctx, input, event.locals.origin));
			requireRuntime(event.locals).outbox.wake();
		} catch (e) {
			return formFailure(event, e, { contact });
		}
		// The challenge id is not PHI; the phone or email never goes into a URL.
		redirect(303, `/sign-in/code?c=${challengeId}`);
	},
	signout: async (event) => {
		if (event.locals.auth) {
			await signOut(serviceContext(requireRuntime(event.locals), event.locals), event.locals.auth.session.id);
		}
		clearSessionCookie(event.cookies);
		redirect(303, '/');
	}
};
