import { json } from '@sveltejs/kit';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { visitTypes } from '$lib/server/scheduling/queries';
import { visitTypeView } from '$lib/server/scheduling/views';
import type { RequestHandler } from './$types';

/** The clinic's visit types with duration and modalities, names in the request's language. */
export const GET: RequestHandler = api(async ({ locals }) => {
	const items = await visitTypes(signedInContext(requireRuntime(locals), locals));
	return json({ items: items.map((v) => visitTypeView(v, locals.t)) });
});
