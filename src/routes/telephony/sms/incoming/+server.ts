import { isValidTwilioSignature, messagingResponse } from '$lib/server/integrations/twilio/webhook';
import { handleInboundSms } from '$lib/server/messaging/inbound-sms';
import { serviceContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { AppError } from '$lib/server/platform/errors';
import type { RequestHandler } from './$types';

/**
 * Twilio's incoming-message webhook. Accepted only with a valid X-Twilio-Signature computed over the
 * public URL Twilio called (PUBLIC_BASE_URL when set); answered with TwiML.
 */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const token = runtime.config.twilioAuthToken;
	if (!token) throw new AppError('UNAVAILABLE');
	if (!/^application\/x-www-form-urlencoded/i.test(request.headers.get('content-type') ?? ''))
		throw new AppError('UNSUPPORTED_MEDIA_TYPE');
	const text = await request.text();
	if (text.length > 16 * 1024) throw new AppError('PAYLOAD_TOO_LARGE', { max: 16 * 1024 });
	const params = Object.fromEntries(new URLSearchParams(text));
	const publicUrl = runtime.config.publicBaseUrl
		? new URL(url.pathname + url.search, runtime.config.publicBaseUrl).toString()
		: url.toString();
	if (!isValidTwilioSignature(token, request.headers.get('x-twilio-signature'), publicUrl, params)) {
		throw new AppError('FORBIDDEN');
	}
	const { MessageSid: messageSid, From: from, Body: body } = params;
	if (!messageSid || !from || body === undefined) throw new AppError('BAD_REQUEST');
	const reply = await handleInboundSms(serviceContext(runtime, { ...locals, actor: { kind: 'system' } }), {
		messageSid,
		from,
		body
	});
	return new Response(messagingResponse(reply), { headers: { 'content-type': 'text/xml; charset=utf-8' } });
});
