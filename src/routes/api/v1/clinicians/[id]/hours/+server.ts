import { json } from '@sveltejs/kit';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { clinicianHours } from '$lib/server/scheduling/hours';
import type { RequestHandler } from './$types';

/** A clinician's weekly hours, upcoming exceptions, languages and visit types (schedulers, or themself). */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const id = parseInput(uuid, params.id);
	return json(await clinicianHours(signedInContext(requireRuntime(locals), locals), id));
});
