import { json } from '@sveltejs/kit';
import { listLicences, saveLicence } from '$lib/server/licensure/records';
import { LicenceBody } from '$lib/server/licensure/schema';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { readJson } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** Admins: the organization's licences, soonest expiry first, each with its expiry warning. */
export const GET: RequestHandler = api(async ({ locals }) => {
	const items = await listLicences(signedInContext(requireRuntime(locals), locals));
	return json({ items });
});

/** Admins: adds a licence. */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const body = await readJson(request, LicenceBody, { maxBytes: 2048 });
	const { id } = await saveLicence(signedInContext(requireRuntime(locals), locals), body);
	return json({ id }, { status: 201 });
});
