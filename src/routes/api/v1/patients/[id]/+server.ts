import { json } from '@sveltejs/kit';
import { getPatient } from '$lib/server/patients/records';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** One patient's record: the patient themself, or staff of their organization whose role reads patients. */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const ctx = signedInContext(requireRuntime(locals), locals);
	const patient = await getPatient(ctx, parseInput(uuid, params.id));
	return json({ patient });
});
