import { json } from '@sveltejs/kit';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { appointmentMessages } from '$lib/server/scheduling/queries';
import type { RequestHandler } from './$types';

/** The confirmations and reminders of one visit: channel, kind, state and when (no message text). */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const id = parseInput(uuid, params.id);
	return json({ items: await appointmentMessages(signedInContext(requireRuntime(locals), locals), id) });
});
