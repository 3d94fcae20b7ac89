import { json } from '@sveltejs/kit';
import { getPatient } from '$lib/server/patients/records';
import { serviceContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { AppError } from '$lib/server/platform/errors';
import type { RequestHandler } from './$types';

/** One patient's record: the patient themself, or staff of their organization whose role reads patients. */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	if (!locals.auth) throw new AppError('UNAUTHORIZED');
	const id = parseInput(uuid, params.id);
	const patient = await getPatient(serviceContext(requireRuntime(locals), locals), id);
	return json({ patient });
});
