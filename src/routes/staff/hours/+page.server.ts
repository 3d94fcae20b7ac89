import { redirect } from '@sveltejs/kit';
import { LANGUAGE_CODES } from '$lib/i18n/languages';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { MODALITIES } from '$lib/server/platform/schema';
import {
	addException,
	addWeeklyHours,
	clinicianHours,
	manageableClinicians,
	removeException,
	removeWeeklyHours,
	saveOfferings
} from '$lib/server/scheduling/hours';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

// Hours decide who can be booked when: a signed-in staff member only, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const ctx = context(event);
		const clinicians = await manageableClinicians(ctx);
		const asked = event.url.searchParams.get('clinician');
		const chosen = clinicians.find((c) => c.id === asked) ?? clinicians[0];
		return {
			clinicians,
			hours: chosen ? await clinicianHours(ctx, chosen.id) : null,
			modalities: MODALITIES,
			languages: LANGUAGE_CODES
		};
	} catch (e) {
		pageError(event, e);
	}
};

const context = (event: RequestEvent) => serviceContext(requireRuntime(event.locals), event.locals);
const texts = (form: FormData, name: string) =>
	form.getAll(name).filter((v): v is string => typeof v === 'string');

export const actions: Actions = {
	addWeekly: async (event) => {
		const form = await event.request.formData();
		const echo = {
			weekday: formText(form, 'weekday'),
			start: formText(form, 'start'),
			end: formText(form, 'end'),
			validFrom: formText(form, 'validFrom'),
			validUntil: formText(form, 'validUntil')
		};
		try {
			const clinicianId = parseInput(uuid, formText(form, 'clinicianId'));
			await addWeeklyHours(context(event), clinicianId, {
				...echo,
				weekday: Number(echo.weekday),
				modalities: texts(form, 'modalities')
			});
			return { added: 'weekly' };
		} catch (e) {
			return formFailure(event, e, { ...echo, failed: 'weekly' });
		}
	},
	removeWeekly: async (event) => {
		const form = await event.request.formData();
		try {
			await removeWeeklyHours(
				context(event),
				parseInput(uuid, formText(form, 'clinicianId')),
				parseInput(uuid, formText(form, 'id'))
			);
			return { removed: 'weekly' };
		} catch (e) {
			return formFailure(event, e, { failed: 'list' });
		}
	},
	addException: async (event) => {
		const form = await event.request.formData();
		const echo = {
			kind: formText(form, 'kind'),
			date: formText(form, 'date'),
			exceptionStart: formText(form, 'exceptionStart'),
			exceptionEnd: formText(form, 'exceptionEnd'),
			reason: formText(form, 'reason')
		};
		try {
			const clinicianId = parseInput(uuid, formText(form, 'clinicianId'));
			const { bookedInside } = await addException(context(event), clinicianId, {
				kind: echo.kind,
				date: echo.date,
				start: echo.exceptionStart,
				end: echo.exceptionEnd,
				reason: echo.reason.trim() || undefined,
				modalities: texts(form, 'exceptionModalities')
			});
			return { added: 'exception', bookedInside };
		} catch (e) {
			return formFailure(event, e, { ...echo, failed: 'exception' });
		}
	},
	removeException: async (event) => {
		const form = await event.request.formData();
		try {
			await removeException(
				context(event),
				parseInput(uuid, formText(form, 'clinicianId')),
				parseInput(uuid, formText(form, 'id'))
			);
			return { removed: 'exception' };
		} catch (e) {
			return formFailure(event, e, { failed: 'list' });
		}
	},
	saveOfferings: async (event) => {
		const form = await event.request.formData();
		try {
			await saveOfferings(context(event), parseInput(uuid, formText(form, 'clinicianId')), {
				languages: texts(form, 'languages'),
				visitTypeIds: texts(form, 'visitTypeIds')
			});
			return { saved: 'offerings' };
		} catch (e) {
			return formFailure(event, e, { failed: 'offerings' });
		}
	}
};
