import { redirect } from '@sveltejs/kit';
import { chatMessages } from '$lib/server/visits/chat';
import { enterWaitingRoom } from '$lib/server/visits/room';
import { roomView } from '$lib/server/visits/view';
import { asJson } from '$lib/server/platform/http/json';
import { formFailure } from '$lib/server/platform/http/forms';
import { AppError } from '$lib/server/platform/errors';
import { pageError } from '$lib/server/platform/http/problems';
import { roomActions, roomRequest } from './room-actions';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

function requireParticipant(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	const kind = event.locals.actor.kind;
	// A guest coming back after the visit: say so, rather than ask them to sign in.
	if (kind === 'anonymous' && event.locals.guestEnded) pageError(event, new AppError('VISIT_ENDED'));
	if (kind === 'staff') redirect(303, `/staff/visits/${event.params.id}/room`);
	if (kind !== 'patient' && kind !== 'guest') redirect(303, '/sign-in');
}

/** The patient's (or a guest's) visit room: waiting room, then the visit, then what comes next. */
export const load: PageServerLoad = async (event) => {
	requireParticipant(event);
	try {
		const { runtime, ctx, id } = roomRequest(event);
		const room = asJson(await roomView(ctx, runtime.video, id));
		const chat = room.status === 'in_progress' && room.you.inVisit ? asJson(await chatMessages(ctx, id)) : [];
		return {
			room,
			chat,
			timeZone: event.locals.auth?.kind === 'patient' ? event.locals.auth.patient.timeZone : null
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	enter: async (event) => {
		requireParticipant(event);
		try {
			const { ctx, id } = roomRequest(event);
			await enterWaitingRoom(ctx, id);
			return { entered: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	...roomActions
};
