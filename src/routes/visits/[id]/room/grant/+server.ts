import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { joinGrant } from '$lib/server/visits/media';
import { roomContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, readJson, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const GrantRequest = v.strictObject({ connection: uuid });

/** What this page needs to join the visit's media (short lived, for its own connection only). */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const { connection } = await readJson(request, GrantRequest);
	const runtime = requireRuntime(locals);
	return json(await joinGrant(roomContext(runtime, locals), runtime.video, id, connection));
});
