import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, readJson, uuid } from '$lib/server/platform/http/validation';
import { bookAppointment } from '$lib/server/scheduling/booking';
import { appointmentsFor } from '$lib/server/scheduling/queries';
import { BookingBody, day, idempotencyKey } from '$lib/server/scheduling/schema';
import { appointmentView } from '$lib/server/scheduling/views';
import type { RequestHandler } from './$types';

/** Books a visit. The Idempotency-Key header makes a retry return the same appointment. */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const runtime = requireRuntime(locals);
	const key = parseInput(v.object({ key: idempotencyKey }), {
		key: request.headers.get('idempotency-key') ?? undefined
	}).key;
	const body = await readJson(request, BookingBody, { maxBytes: 4096 });
	const { appointment, created } = await bookAppointment(signedInContext(runtime, locals), body, {
		idempotencyKey: key
	});
	runtime.outbox.wake();
	return json(
		{ appointment: appointmentView(appointment), ...appointmentView(appointment) },
		{ status: created ? 201 : 200 }
	);
});

const ListQuery = v.object({
	patientId: v.optional(uuid),
	clinicianId: v.optional(uuid),
	from: v.optional(day),
	to: v.optional(day)
});

/** A patient's own visits, or the organization's for staff (filter by patient, clinician, days). */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const q = parseInput(ListQuery, Object.fromEntries(url.searchParams));
	const items = await appointmentsFor(signedInContext(requireRuntime(locals), locals), {
		...(q.patientId ? { patientId: q.patientId } : {}),
		...(q.clinicianId ? { clinicianId: q.clinicianId } : {}),
		...(q.from ? { from: new Date(`${q.from}T00:00:00Z`) } : {}),
		...(q.to ? { to: new Date(`${q.to}T23:59:59Z`) } : {})
	});
	return json({ items: items.map(appointmentView) });
});
