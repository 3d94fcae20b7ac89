import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { LANGUAGE_CODES } from '$lib/i18n/languages';
import { checkInFor, submitCheckIn } from '$lib/server/previsit/check-in';
import { signedInContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { STATE_CODES } from '$lib/server/scheduling/states';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const CheckInForm = v.object({
	locationState: v.picklist(STATE_CODES, 'errors:field.state'),
	locationSetting: v.picklist(['home', 'facility'], 'errors:field.invalid'),
	callbackPhone: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'errors:field.phone'),
		v.maxLength(40, 'errors:field.phone')
	),
	language: v.picklist(LANGUAGE_CODES, 'errors:field.language'),
	interpreterLanguage: v.union([v.literal(''), v.picklist(LANGUAGE_CODES, 'errors:field.language')]),
	aslInterpreter: v.boolean(),
	captions: v.boolean(),
	caregiverJoins: v.boolean()
});

/** Patients only: anyone else signs in first (called before any try, so the redirect is not caught). */
function requirePatient(event: RequestEvent) {
	if (event.locals.auth?.kind !== 'patient') redirect(303, '/sign-in');
}

function context(event: RequestEvent) {
	const runtime = requireRuntime(event.locals);
	return { runtime, ctx: signedInContext(runtime, event.locals), id: parseInput(uuid, event.params.id) };
}

export const load: PageServerLoad = async (event) => {
	requirePatient(event);
	try {
		const { ctx, id } = context(event);
		const view = await checkInFor(ctx, id);
		return {
			timeZone: event.locals.auth?.kind === 'patient' ? event.locals.auth.patient.timeZone : 'UTC',
			visit: {
				id: view.appointment.id,
				start: view.appointment.start.toISOString(),
				clinicianName: view.appointment.clinicianName,
				modality: view.appointment.modality
			},
			window: view.window,
			opensAt: view.opensAt.toISOString(),
			checkIn: view.checkIn && {
				locationState: view.checkIn.locationState,
				licensure: view.checkIn.licensure
			},
			consent: view.consent,
			defaults: view.defaults,
			states: STATE_CODES,
			languages: LANGUAGE_CODES
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		requirePatient(event);
		const form = await event.request.formData();
		const echo = {
			locationState: formText(form, 'locationState'),
			locationSetting: formText(form, 'locationSetting'),
			callbackPhone: formText(form, 'callbackPhone'),
			language: formText(form, 'language'),
			interpreterLanguage: formText(form, 'interpreterLanguage')
		};
		let outcome: { id: string; allowed: true } | { refused: string; state: string };
		try {
			const { ctx, id } = context(event);
			const input = parseInput(CheckInForm, {
				...echo,
				aslInterpreter: form.has('aslInterpreter'),
				captions: form.has('captions'),
				caregiverJoins: form.has('caregiverJoins')
			});
			const checkIn = await submitCheckIn(ctx, id, {
				locationState: input.locationState,
				locationSetting: input.locationSetting,
				callbackPhone: input.callbackPhone,
				language: input.language,
				accommodations: {
					...(input.interpreterLanguage ? { interpreterLanguage: input.interpreterLanguage } : {}),
					aslInterpreter: input.aslInterpreter,
					captions: input.captions,
					caregiverJoins: input.caregiverJoins
				}
			});
			outcome = checkIn.licensure.allowed
				? { id, allowed: true }
				: { refused: checkIn.licensure.reason, state: checkIn.locationState };
		} catch (e) {
			return formFailure(event, e, echo);
		}
		// Licensed where the patient is: on to consent (the page says when it is already given).
		if ('allowed' in outcome) redirect(303, `/visits/${outcome.id}/consent`);
		return outcome;
	}
};
