import { readSignedWebhook } from '$lib/server/integrations/twilio/webhook';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { AppError } from '$lib/server/platform/errors';
import { recordProviderStatus } from '$lib/server/scheduling/delivery-status';
import type { RequestHandler } from './$types';

/** Twilio's status callback for a reminder call we placed (CallSid, CallStatus). */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const params = await readSignedWebhook(request, url, {
		authToken: runtime.config.twilioAuthToken,
		publicBaseUrl: runtime.config.publicBaseUrl
	});
	const { CallSid: providerId, CallStatus: status } = params;
	if (!providerId || !status) throw new AppError('BAD_REQUEST');
	const result = await recordProviderStatus(runtime.db, runtime.clock, {
		channel: 'voice',
		providerId,
		status
	});
	if (result === 'unmatched' || result === 'unknown')
		runtime.logger.warn({ result, status }, 'call status not recorded');
	return new Response(null, { status: 204 });
});
