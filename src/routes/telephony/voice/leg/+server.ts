import { legAnswer } from '$lib/server/telephony/legs';
import { ivrDeps, readCallRequest, twiml } from '$lib/server/telephony/webhooks';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** A call AnyVisit placed into a visit (`?leg=`) was answered: it joins the visit's conference. */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const legId = parseInput(uuid, url.searchParams.get('leg') ?? '');
	const call = await readCallRequest(runtime, request, url);
	return twiml(await legAnswer(ivrDeps(runtime, url), { legId, callSid: call.CallSid }));
});
