import { json } from '@sveltejs/kit';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, readJson, uuid } from '$lib/server/platform/http/validation';
import { cancelAppointment, getAppointment, rescheduleAppointment } from '$lib/server/scheduling/booking';
import { CancelBody, RescheduleBody } from '$lib/server/scheduling/schema';
import { appointmentView } from '$lib/server/scheduling/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) => {
	const id = parseInput(uuid, params.id);
	const appointment = await getAppointment(signedInContext(requireRuntime(locals), locals), id);
	return json({ appointment: appointmentView(appointment), ...appointmentView(appointment) });
});

/** Reschedules: a new slot, or a new start (and optionally clinician, modality, state). */
export const PATCH: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const body = await readJson(request, RescheduleBody, { maxBytes: 4096 });
	const runtime = requireRuntime(locals);
	const appointment = await rescheduleAppointment(signedInContext(runtime, locals), id, body);
	runtime.outbox.wake();
	return json({ appointment: appointmentView(appointment), ...appointmentView(appointment) });
});

/** Cancels, with an optional reason in a JSON body (default: the patient asked). */
export const DELETE: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const hasBody =
		(request.headers.get('content-length') ?? '0') !== '0' || request.headers.has('content-type');
	const { reason } = hasBody
		? await readJson(request, CancelBody, { maxBytes: 1024 })
		: { reason: 'patient_request' as const };
	const runtime = requireRuntime(locals);
	const appointment = await cancelAppointment(signedInContext(runtime, locals), id, { reason });
	runtime.outbox.wake();
	return json({ appointment: appointmentView(appointment), ...appointmentView(appointment) });
});
