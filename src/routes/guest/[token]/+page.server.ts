import { redirect } from '@sveltejs/kit';
import { askToJoin, guestInvitation } from '$lib/server/visits/guests';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { setGuestCookie } from '$lib/server/platform/http/session-cookie';
import { AppError } from '$lib/server/platform/errors';
import type { Actions, PageServerLoad } from './$types';

/** A link is 20 random bytes in base32; anything else is answered like a withdrawn link. */
function linkOf(token: string): string {
	if (!/^[a-z2-7]{32}$/.test(token)) throw new AppError('LINK_EXPIRED');
	return token;
}

/** A guest's invitation link: who invited them and as what; nothing about the patient. */
export const load: PageServerLoad = async (event) => {
	try {
		const link = linkOf(event.params.token);
		const ctx = serviceContext(requireRuntime(event.locals), event.locals);
		return { invitation: await guestInvitation(ctx, link) };
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	join: async (event) => {
		let visitId: string;
		try {
			const link = linkOf(event.params.token);
			const ctx = serviceContext(requireRuntime(event.locals), event.locals);
			const joined = await askToJoin(ctx, link);
			setGuestCookie(event.cookies, joined.sessionToken);
			visitId = joined.appointmentId;
		} catch (e) {
			return formFailure(event, e);
		}
		redirect(303, `/visits/${visitId}/room`);
	}
};
