import { browserJoin } from '$lib/server/telephony/legs';
import { ivrDeps, twiml } from '$lib/server/telephony/webhooks';
import { readSignedWebhook } from '$lib/server/integrations/twilio/webhook';
import { AppError } from '$lib/server/platform/errors';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The TwiML App's voice URL: a clinician's browser (Voice SDK) asks to join a visit's call. */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const params = await readSignedWebhook(request, url, {
		authToken: runtime.config.twilioAuthToken,
		publicBaseUrl: runtime.config.publicBaseUrl
	});
	if (!params.CallSid || !/^CA[0-9a-f]{32}$/.test(params.CallSid)) throw new AppError('BAD_REQUEST');
	const visitId = params.visit && UUID.test(params.visit) ? params.visit : null;
	return twiml(
		await browserJoin(ivrDeps(runtime, url), { callSid: params.CallSid, from: params.From, visitId })
	);
});
