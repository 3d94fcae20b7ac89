import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { operatorContext } from '$lib/server/platform/http/access';
import { parseInput, plainText, readJson, uuid } from '$lib/server/platform/http/validation';
import { retryDelivery } from '$lib/server/platform/outbox/admin';
import type { RequestHandler } from './$types';

const Body = v.strictObject({ note: plainText(500) });

export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const { note } = await readJson(request, Body, { maxBytes: 4096 });
	const runtime = requireRuntime(locals);
	const delivery = await retryDelivery(operatorContext(runtime, locals), { id, note });
	runtime.outbox.wake();
	return json({ delivery });
});
