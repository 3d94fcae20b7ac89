import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { ehrLinkOf, linkEhrPatient, searchEhrPatients } from '$lib/server/ehr/linking';
import { AppError } from '$lib/server/platform/errors';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max, 'errors:field.too_long'));
// The search is posted, never put in the URL: names and birth dates are PHI.
const SearchForm = v.object({
	family: text(100),
	given: text(100),
	birthDate: v.union([v.literal(''), v.pipe(v.string(), v.isoDate('errors:field.day'))]),
	mrn: text(40)
});

function scope(event: RequestEvent) {
	const runtime = requireRuntime(event.locals);
	// No EHR configured (production without one): nothing to link to.
	if (!runtime.ehr) throw new AppError('EHR_UNAVAILABLE');
	return {
		ctx: serviceContext(runtime, event.locals),
		deps: runtime.ehr.interactive,
		patientId: parseInput(uuid, event.params.id)
	};
}

// Linking a patient to the EHR's record of them: schedulers and admins, signed in, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const { ctx, deps, patientId } = scope(event);
		const { patient, linked } = await ehrLinkOf(ctx, deps, patientId);
		return {
			patient: {
				id: patient.id,
				name: `${patient.givenName} ${patient.familyName}`,
				givenName: patient.givenName,
				familyName: patient.familyName,
				birthDate: patient.birthDate,
				mrn: patient.mrn
			},
			linked
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	search: async (event) => {
		if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
		const form = await event.request.formData();
		const echo = {
			family: formText(form, 'family'),
			given: formText(form, 'given'),
			birthDate: formText(form, 'birthDate'),
			mrn: formText(form, 'mrn')
		};
		try {
			const { ctx, deps, patientId } = scope(event);
			const query = parseInput(SearchForm, echo);
			const matches = await searchEhrPatients(ctx, deps, patientId, {
				...(query.family ? { family: query.family } : {}),
				...(query.given ? { given: query.given } : {}),
				...(query.birthDate ? { birthDate: query.birthDate } : {}),
				...(query.mrn ? { mrn: query.mrn } : {})
			});
			return { matches, ...echo };
		} catch (e) {
			return formFailure(event, e, echo);
		}
	},
	link: async (event) => {
		if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
		const form = await event.request.formData();
		try {
			const { ctx, deps, patientId } = scope(event);
			const ehrId = parseInput(text(64), formText(form, 'ehrId'));
			if (!/^[A-Za-z0-9\-.]{1,64}$/.test(ehrId)) throw new AppError('NOT_FOUND');
			await linkEhrPatient(ctx, deps, patientId, ehrId);
			return { linkedNow: true };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
