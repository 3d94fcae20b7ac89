import { gatherAnswer } from '$lib/server/telephony/ivr';
import { ivrDeps, readCallRequest, twiml } from '$lib/server/telephony/webhooks';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

/** The caller's answer to a prompt (Digits; none on silence): the next prompt. */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const call = await readCallRequest(runtime, request, url);
	return twiml(await gatherAnswer(ivrDeps(runtime, url), call));
});
