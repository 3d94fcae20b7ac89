import { conferenceEvent } from '$lib/server/telephony/ivr';
import { ivrDeps } from '$lib/server/telephony/webhooks';
import { readSignedWebhook } from '$lib/server/integrations/twilio/webhook';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** Twilio's conference status callback for a visit: who joined, left or was muted. */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const visitId = parseInput(uuid, url.searchParams.get('visit') ?? '');
	const params = await readSignedWebhook(request, url, {
		authToken: runtime.config.twilioAuthToken,
		publicBaseUrl: runtime.config.publicBaseUrl
	});
	const callSid = params.CallSid && /^CA[0-9a-f]{32}$/.test(params.CallSid) ? params.CallSid : null;
	await conferenceEvent(ivrDeps(runtime, url), {
		visitId,
		event: (params.StatusCallbackEvent ?? '').slice(0, 40),
		callSid,
		muted: params.Muted === 'true'
	});
	return new Response(null, { status: 204 });
});
