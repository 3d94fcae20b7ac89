import * as v from 'valibot';
import { relaySignal } from '$lib/server/visits/connections';
import { roomContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, readJson, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const Signal = v.strictObject({ from: uuid, to: uuid, data: v.record(v.string(), v.unknown()) });

/** Passes a WebRTC signalling message to another page of the same visit (peer-to-peer video). */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const signal = await readJson(request, Signal);
	await relaySignal(roomContext(requireRuntime(locals), locals), id, signal);
	return new Response(null, { status: 204 });
});
