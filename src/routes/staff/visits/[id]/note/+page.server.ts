import { redirect } from '@sveltejs/kit';
import { SECTIONS, addAddendum, noteForEditing, saveDraft, signNote } from '$lib/server/notes/service';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { asJson } from '$lib/server/platform/http/json';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

function noteRequest(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	const runtime = requireRuntime(event.locals);
	return { ctx: serviceContext(runtime, event.locals), id: parseInput(uuid, event.params.id) };
}

const sectionsOf = (form: FormData) => Object.fromEntries(SECTIONS.map((s) => [s, formText(form, s)]));

/** The clinician's note of a visit: SOAP draft, sign, then addenda. */
export const load: PageServerLoad = async (event) => {
	try {
		const { ctx, id } = noteRequest(event);
		return { note: asJson(await noteForEditing(ctx, id, event.locals.t)) };
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const form = await event.request.formData();
		const sections = sectionsOf(form);
		try {
			const { ctx, id } = noteRequest(event);
			await saveDraft(ctx, id, sections);
			return { saved: true };
		} catch (e) {
			return formFailure(event, e, sections);
		}
	},
	sign: async (event) => {
		const form = await event.request.formData();
		const sections = sectionsOf(form);
		try {
			const { ctx, id } = noteRequest(event);
			// What is on the screen is what is signed.
			await saveDraft(ctx, id, sections);
			await signNote(ctx, id, event.locals.t, event.locals.lang);
			return { signed: true };
		} catch (e) {
			return formFailure(event, e, sections);
		}
	},
	addendum: async (event) => {
		const form = await event.request.formData();
		const addendum = formText(form, 'addendum');
		try {
			const { ctx, id } = noteRequest(event);
			await addAddendum(ctx, id, addendum, event.locals.t);
			return { added: true };
		} catch (e) {
			return formFailure(event, e, { addendum });
		}
	}
};
