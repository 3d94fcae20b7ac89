import { messagingResponse, readSignedWebhook } from '$lib/server/integrations/twilio/webhook';
import { handleInboundSms } from '$lib/server/messaging/inbound-sms';
import { serviceContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { AppError } from '$lib/server/platform/errors';
import type { RequestHandler } from './$types';

/** Twilio's incoming-message webhook: signed by Twilio, answered with TwiML. */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const params = await readSignedWebhook(request, url, {
		authToken: runtime.config.twilioAuthToken,
		publicBaseUrl: runtime.config.publicBaseUrl
	});
	const { MessageSid: messageSid, From: from, Body: body } = params;
	if (!messageSid || !from || body === undefined) throw new AppError('BAD_REQUEST');
	const reply = await handleInboundSms(serviceContext(runtime, { ...locals, actor: { kind: 'system' } }), {
		messageSid,
		from,
		body
	});
	return new Response(messagingResponse(reply), { headers: { 'content-type': 'text/xml; charset=utf-8' } });
});
