import { json } from '@sveltejs/kit';
import { browserCallGrant } from '$lib/server/visits/phone';
import { roomContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** A short-lived token for the clinician's browser to join this visit's phone call (Voice SDK). */
export const POST: RequestHandler = api(async ({ locals, params }) => {
	const id = parseInput(uuid, params.id);
	const runtime = requireRuntime(locals);
	return json(await browserCallGrant(roomContext(runtime, locals), runtime.config.browserCalls, id));
});
