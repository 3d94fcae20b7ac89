import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { listEhrConflicts, resolveEhrConflict } from '$lib/server/ehr/inbound';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const context = (event: RequestEvent) => serviceContext(requireRuntime(event.locals), event.locals);

// Where AnyVisit and the EHR disagree about a visit: schedulers and admins, signed in, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		return await listEhrConflicts(context(event));
	} catch (e) {
		pageError(event, e);
	}
};

const Choice = v.picklist(['keep_anyvisit', 'take_ehr'], 'errors:field.invalid');

export const actions: Actions = {
	resolve: async (event) => {
		if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
		const form = await event.request.formData();
		try {
			const id = parseInput(uuid, formText(form, 'id'));
			const choice = parseInput(Choice, formText(form, 'choice'));
			await resolveEhrConflict(context(event), id, choice);
			return { resolved: choice };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
