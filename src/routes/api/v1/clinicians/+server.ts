import { json } from '@sveltejs/kit';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { listClinicians } from '$lib/server/scheduling/queries';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals }) => {
	return json({ items: await listClinicians(signedInContext(requireRuntime(locals), locals)) });
});
