import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { SOAP_SECTIONS, noteForEditing, saveDraft } from '$lib/server/notes/service';
import { chatMessages } from '$lib/server/visits/chat';
import { decideGuest } from '$lib/server/visits/guests';
import { endVisit, setRecording, startVisit } from '$lib/server/visits/room';
import { roomView } from '$lib/server/visits/view';
import { callClinician, callInterpreter } from '$lib/server/visits/phone';
import { parseContact } from '$lib/server/identity/patient-sign-in';
import { validationFailed } from '$lib/server/platform/errors';
import { phoneDeps } from '$lib/server/telephony/webhooks';
import { LANGUAGE_CODES } from '$lib/i18n/languages';
import { asJson } from '$lib/server/platform/http/json';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { roomActions, roomRequest } from '../../../../visits/[id]/room/room-actions';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const Decision = v.object({
	guestId: uuid,
	decision: v.picklist(['admit', 'decline', 'remove'], 'errors:field.invalid')
});

const InterpreterCall = v.object({
	language: v.picklist(LANGUAGE_CODES as [string, ...string[]], 'errors:field.invalid')
});

const pickNotes = (sections: Partial<Record<string, string>>) =>
	Object.fromEntries(SOAP_SECTIONS.map((s) => [s, sections[s] ?? ''])) as Record<
		(typeof SOAP_SECTIONS)[number],
		string
	>;

function requireStaff(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
}

/** The clinician's side of the visit room: start, run and end the visit. */
export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	try {
		const { runtime, ctx, id } = roomRequest(event);
		const room = asJson(await roomView(ctx, runtime.video, id));
		const chat = room.status === 'in_progress' ? asJson(await chatMessages(ctx, id)) : [];
		const interpreterLanguages = Object.keys(runtime.config.interpreterLine?.codes ?? {});
		const browserPhone = runtime.config.browserCalls !== null;
		// The host writes the note beside the running visit (a draft until signed after it).
		const note =
			room.status !== 'ended' && room.you.host
				? pickNotes((await noteForEditing(ctx, id, event.locals.t)).sections)
				: null;
		return { room, chat, timeZone: null, interpreterLanguages, browserPhone, note };
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	start: async (event) => {
		requireStaff(event);
		try {
			const { runtime, ctx, id } = roomRequest(event);
			await startVisit(ctx, runtime.video, id);
			return { started: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	guest: async (event) => {
		requireStaff(event);
		const form = await event.request.formData();
		try {
			const { ctx, id } = roomRequest(event);
			const { guestId, decision } = parseInput(Decision, {
				guestId: formText(form, 'guestId'),
				decision: formText(form, 'decision')
			});
			await decideGuest(ctx, id, guestId, decision);
			return { decided: decision };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	recording: async (event) => {
		requireStaff(event);
		const form = await event.request.formData();
		try {
			const { runtime, ctx, id } = roomRequest(event);
			await setRecording(ctx, runtime.video, id, formText(form, 'on') === 'true');
			return { recording: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	// The note's SOAP sections, saved from the panel beside the visit; the rest of the draft is kept.
	note: async (event) => {
		requireStaff(event);
		const form = await event.request.formData();
		const sections = pickNotes(Object.fromEntries(SOAP_SECTIONS.map((s) => [s, formText(form, s)])));
		try {
			const { ctx, id } = roomRequest(event);
			await saveDraft(ctx, id, sections, { only: SOAP_SECTIONS });
			return { noteSaved: true };
		} catch (e) {
			return formFailure(event, e, sections);
		}
	},
	end: async (event) => {
		requireStaff(event);
		try {
			const { runtime, ctx, id } = roomRequest(event);
			await endVisit(ctx, runtime.video, id, runtime.phone);
			return { ended: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	// An interpreter service by phone, in the language asked for at check-in or chosen here.
	interpreterCall: async (event) => {
		requireStaff(event);
		const form = await event.request.formData();
		try {
			const { runtime, ctx, id } = roomRequest(event);
			const { language } = parseInput(InterpreterCall, { language: formText(form, 'language') });
			await callInterpreter(ctx, phoneDeps(runtime, event.url), id, language);
			return { calling: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	// The clinician joins the visit's call from their own phone.
	phoneJoin: async (event) => {
		requireStaff(event);
		const form = await event.request.formData();
		const phone = formText(form, 'phone');
		try {
			const { runtime, ctx, id } = roomRequest(event);
			const contact = parseContact(phone);
			if (contact?.kind !== 'phone') throw validationFailed([{ field: 'phone', key: 'errors:field.phone' }]);
			await callClinician(ctx, phoneDeps(runtime, event.url), id, {
				to: contact.value,
				language: event.locals.lang
			});
			return { calling: true };
		} catch (e) {
			return formFailure(event, e, { phone });
		}
	},
	...roomActions
};
