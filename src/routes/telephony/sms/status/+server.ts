import { readSignedWebhook } from '$lib/server/integrations/twilio/webhook';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { AppError } from '$lib/server/platform/errors';
import { recordProviderStatus } from '$lib/server/scheduling/delivery-status';
import type { RequestHandler } from './$types';

/** Twilio's status callback for a text we sent (MessageSid, MessageStatus, ErrorCode). */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const params = await readSignedWebhook(request, url, {
		authToken: runtime.config.twilioAuthToken,
		publicBaseUrl: runtime.config.publicBaseUrl
	});
	const { MessageSid: providerId, MessageStatus: status, ErrorCode: errorCode } = params;
	if (!providerId || !status) throw new AppError('BAD_REQUEST');
	const result = await recordProviderStatus(runtime.db, runtime.clock, {
		channel: 'sms',
		providerId,
		status,
		errorCode: errorCode || undefined
	});
	// Twilio retries a callback that is not answered 2xx; one we cannot match is still answered.
	if (result === 'unmatched' || result === 'unknown')
		runtime.logger.warn({ result, status }, 'sms status not recorded');
	return new Response(null, { status: 204 });
});
