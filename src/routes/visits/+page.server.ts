import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { signedInContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { cancelAppointment } from '$lib/server/scheduling/booking';
import { appointmentsFor } from '$lib/server/scheduling/queries';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (event.locals.auth?.kind !== 'patient') redirect(303, '/sign-in');
	try {
		const runtime = requireRuntime(event.locals);
		const ctx = signedInContext(runtime, event.locals);
		const now = runtime.clock.now();
		const visits = await appointmentsFor(ctx, { from: now });
		return {
			timeZone: event.locals.auth.patient.timeZone,
			booked: event.url.searchParams.get('booked') === '1',
			rescheduled: event.url.searchParams.get('rescheduled') === '1',
			visits: visits
				.filter((a) => a.status !== 'cancelled')
				.map((a) => ({
					id: a.id,
					start: a.start.toISOString(),
					clinicianName: a.clinicianName,
					visitTypeCode: a.visitTypeCode,
					modality: a.modality,
					status: a.status
				}))
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	cancel: async (event) => {
		try {
			const { id } = parseInput(v.object({ id: uuid }), {
				id: formText(await event.request.formData(), 'id')
			});
			const runtime = requireRuntime(event.locals);
			await cancelAppointment(signedInContext(runtime, event.locals), id, { reason: 'patient_request' });
			runtime.outbox.wake();
			return { cancelled: true };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
