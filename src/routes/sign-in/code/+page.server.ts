import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { verifyPatientCode } from '$lib/server/identity/patient-sign-in';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { setSessionCookie } from '$lib/server/platform/http/session-cookie';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => {
	const challenge = v.safeParse(uuid, url.searchParams.get('c'));
	if (!challenge.success) redirect(303, '/sign-in');
	return { challengeId: challenge.output };
};

const CodeForm = v.object({
	challengeId: uuid,
	code: v.pipe(
		v.string('errors:field.type_string'),
		v.trim(),
		v.nonEmpty('errors:field.required'),
		v.maxLength(16, 'errors:field.too_long')
	)
});

export const actions: Actions = {
	verify: async (event) => {
		const form = await event.request.formData();
		const field = (name: string) => formText(form, name);
		try {
			const input = parseInput(CodeForm, { challengeId: field('challengeId'), code: field('code') });
			const ctx = serviceContext(requireRuntime(event.locals), event.locals);
			const { token, session } = await verifyPatientCode(ctx, input);
			setSessionCookie(event.cookies, token, session.expiresAt);
		} catch (e) {
			return formFailure(event, e);
		}
		redirect(303, '/');
	}
};
