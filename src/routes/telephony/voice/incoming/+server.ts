import { incomingCall } from '$lib/server/telephony/ivr';
import { ivrDeps, readCallRequest, twiml } from '$lib/server/telephony/webhooks';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

/** A call to the clinic's number: the language menu first (public contract). */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const call = await readCallRequest(runtime, request, url);
	return twiml(await incomingCall(ivrDeps(runtime, url), call));
});
