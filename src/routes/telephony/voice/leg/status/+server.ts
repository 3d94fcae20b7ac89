import { legProgress } from '$lib/server/telephony/legs';
import { ivrDeps, readCallRequest } from '$lib/server/telephony/webhooks';
import { AppError } from '$lib/server/platform/errors';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** Twilio's status callback for a call placed into a visit (`?leg=`): ringing, answered, ended. */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const legId = parseInput(uuid, url.searchParams.get('leg') ?? '');
	const call = await readCallRequest(runtime, request, url);
	if (!call.CallStatus) throw new AppError('BAD_REQUEST');
	await legProgress(ivrDeps(runtime, url), { legId, callSid: call.CallSid, status: call.CallStatus });
	return new Response(null, { status: 204 });
});
