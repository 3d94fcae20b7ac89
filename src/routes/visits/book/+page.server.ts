import { redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { signedInContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError, problemFor } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { bookAppointment, getAppointment, rescheduleAppointment } from '$lib/server/scheduling/booking';
import { searchSlots, visitTypes } from '$lib/server/scheduling/queries';
import { day, idempotencyKey, modality, stateCode } from '$lib/server/scheduling/schema';
import { STATE_CODES, dayIn } from '$lib/server/scheduling/states';
import { MODALITIES } from '$lib/server/platform/schema';
import type { Actions, PageServerLoad } from './$types';

const Search = v.object({
	visitType: v.pipe(v.string(), v.minLength(1, 'errors:field.visit_type')),
	modality,
	patientState: stateCode,
	from: day
});

const DAYS_SHOWN = 7;

// A patient books for themself, without JavaScript if need be: a GET form finds times, a POST books.
export const load: PageServerLoad = async (event) => {
	const { locals, url } = event;
	if (locals.auth?.kind !== 'patient') redirect(303, '/sign-in');
	const patient = locals.auth.patient;
	try {
		const runtime = requireRuntime(locals);
		const ctx = signedInContext(runtime, locals);
		const types = await visitTypes(ctx);
		const today = dayIn(runtime.clock.now(), patient.timeZone);
		const asked = url.searchParams.has('visitType');
		// Changing the time of a visit: the same search, starting from that visit (their own only).
		const rescheduleId = url.searchParams.get('reschedule');
		const moving = rescheduleId ? await getAppointment(ctx, parseInput(uuid, rescheduleId)) : undefined;
		const values = {
			visitType: url.searchParams.get('visitType') ?? moving?.visitTypeCode ?? types[0]?.code ?? '',
			modality: url.searchParams.get('modality') ?? moving?.modality ?? 'video',
			patientState: url.searchParams.get('patientState') ?? moving?.patientState ?? patient.homeState,
			from: url.searchParams.get('from') || today
		};
		let slots: { id: string; start: string; clinicianName: string; languages: string[] }[] = [];
		let problem = null;
		if (asked) {
			try {
				const query = parseInput(Search, values);
				const to = new Date(Date.parse(`${query.from}T00:00:00Z`) + (DAYS_SHOWN - 1) * 86_400_000);
				const found = await searchSlots(ctx, { ...query, to: to.toISOString().slice(0, 10), limit: 300 });
				slots = found.map((s) => ({
					id: s.id,
					start: s.start.toISOString(),
					clinicianName: s.clinicianName,
					languages: s.languages
				}));
			} catch (e) {
				problem = problemFor(event, e).body.error;
			}
		}
		return {
			types: types.map((t) => ({
				code: t.code,
				modalities: t.modalities,
				durationMinutes: t.durationMinutes
			})),
			states: STATE_CODES,
			modalities: MODALITIES,
			values,
			asked,
			reschedule: moving ? { id: moving.id, start: moving.start.toISOString() } : null,
			slots,
			problem,
			timeZone: patient.timeZone,
			// One token per page view: pressing "Book" twice, or resending the form, books once.
			bookingToken: randomUUID()
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	book: async (event) => {
		const form = await event.request.formData();
		try {
			const input = parseInput(
				v.object({
					slotId: v.pipe(v.string(), v.minLength(1, 'errors:field.slot')),
					modality,
					patientState: stateCode,
					token: idempotencyKey
				}),
				{
					slotId: formText(form, 'slotId'),
					modality: formText(form, 'modality'),
					patientState: formText(form, 'patientState'),
					token: formText(form, 'token')
				}
			);
			const runtime = requireRuntime(event.locals);
			await bookAppointment(signedInContext(runtime, event.locals), input, { idempotencyKey: input.token });
			runtime.outbox.wake();
		} catch (e) {
			return formFailure(event, e);
		}
		redirect(303, '/visits?booked=1');
	},
	reschedule: async (event) => {
		const form = await event.request.formData();
		try {
			const input = parseInput(
				v.object({
					id: uuid,
					slotId: v.pipe(v.string(), v.minLength(1, 'errors:field.slot')),
					modality,
					patientState: stateCode
				}),
				{
					id: formText(form, 'appointmentId'),
					slotId: formText(form, 'slotId'),
					modality: formText(form, 'modality'),
					patientState: formText(form, 'patientState')
				}
			);
			const runtime = requireRuntime(event.locals);
			const { id, ...change } = input;
			await rescheduleAppointment(signedInContext(runtime, event.locals), id, change);
			runtime.outbox.wake();
		} catch (e) {
			return formFailure(event, e);
		}
		redirect(303, '/visits?rescheduled=1');
	}
};
