import { holdAnswer } from '$lib/server/telephony/ivr';
import { ivrDeps, readCallRequest, twiml } from '$lib/server/telephony/webhooks';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

/** What a caller waiting for the clinician hears between the music (the conference's waitUrl). */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const call = await readCallRequest(runtime, request, url);
	return twiml(await holdAnswer(ivrDeps(runtime, url), call));
});
