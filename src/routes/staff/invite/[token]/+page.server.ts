import { PASSWORD_MIN_LENGTH, acceptInvitation, viewInvitation } from '$lib/server/identity/enrolment';
import { qrCodeDataUrl } from '$lib/server/identity/qr-code';
import { isAppError } from '$lib/server/platform/errors';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import type { Actions, PageServerLoad } from './$types';

// The link token is a credential: it is used here and never logged (the access log records the
// route id, not the path), and no other site is sent it (Referrer-Policy: same-origin).
export const load: PageServerLoad = async (event) => {
	try {
		const ctx = serviceContext(requireRuntime(event.locals), event.locals);
		const invitation = await viewInvitation(ctx, event.params.token);
		return {
			invitation: {
				displayName: invitation.displayName,
				email: invitation.email,
				secret: invitation.secret,
				qrCode: qrCodeDataUrl(invitation.otpauthUri)
			},
			passwordMin: PASSWORD_MIN_LENGTH
		};
	} catch (e) {
		// Right after enrolling, the page renders again for the same (now used) link: it shows the
		// recovery codes the action returned, not an expired-link error.
		if (event.request.method === 'POST' && isAppError(e) && e.code === 'LINK_EXPIRED') {
			return { invitation: null, passwordMin: PASSWORD_MIN_LENGTH };
		}
		pageError(event, e);
	}
};

export const actions: Actions = {
	accept: async (event) => {
		const form = await event.request.formData();
		try {
			const ctx = serviceContext(requireRuntime(event.locals), event.locals);
			const { recoveryCodes } = await acceptInvitation(ctx, {
				token: event.params.token,
				password: formText(form, 'password').slice(0, 1024),
				otp: formText(form, 'otp').trim()
			});
			return { recoveryCodes };
		} catch (e) {
			// Nothing is echoed: the password and code are typed again.
			return formFailure(event, e);
		}
	}
};
