import { redirect } from '@sveltejs/kit';
import { accountSummary, regenerateRecoveryCodes, signOutEverywhere } from '$lib/server/identity/account';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { clearSessionCookie } from '$lib/server/platform/http/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		return { account: await accountSummary(serviceContext(requireRuntime(event.locals), event.locals)) };
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	codes: async (event) => {
		const form = await event.request.formData();
		try {
			const ctx = serviceContext(requireRuntime(event.locals), event.locals);
			return { recoveryCodes: await regenerateRecoveryCodes(ctx, { otp: formText(form, 'otp').trim() }) };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	everywhere: async (event) => {
		try {
			await signOutEverywhere(serviceContext(requireRuntime(event.locals), event.locals));
		} catch (e) {
			return formFailure(event, e);
		}
		clearSessionCookie(event.cookies);
		redirect(303, '/staff/sign-in');
	}
};
