import { json } from '@sveltejs/kit';
import { removeLicence, saveLicence } from '$lib/server/licensure/records';
import { LicenceBody } from '$lib/server/licensure/schema';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, readJson, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** Admins: replaces a licence's record (a renewal, a new status). */
export const PUT: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const body = await readJson(request, LicenceBody, { maxBytes: 2048 });
	await saveLicence(signedInContext(requireRuntime(locals), locals), { ...body, id });
	return json({ id });
});

/** Admins: removes a licence entered by mistake. */
export const DELETE: RequestHandler = api(async ({ locals, params }) => {
	const id = parseInput(uuid, params.id);
	await removeLicence(signedInContext(requireRuntime(locals), locals), id);
	return new Response(null, { status: 204 });
});
