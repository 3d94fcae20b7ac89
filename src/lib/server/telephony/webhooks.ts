import type { Runtime } from '../platform/runtime';
import { AppError } from '../platform/errors';
import { readSignedWebhook } from '../integrations/twilio/webhook';
import type { PhoneDeps } from '../visits/phone';
import type { CallRequest, IvrDeps } from './ivr';

/**
 * The IVR's dependencies on a running app. Its webhook URLs (gather actions, hold music) are on
 * PUBLIC_BASE_URL, or else on the host this request came to, so that Twilio calls back where it called.
 */
export function ivrDeps(runtime: Runtime, requestUrl: URL): IvrDeps {
	return {
		db: runtime.db,
		phi: runtime.phi,
		clock: runtime.clock,
		logger: runtime.logger.child({ component: 'ivr' }),
		baseUrl: (runtime.config.publicBaseUrl ?? requestUrl.origin).replace(/\/$/, ''),
		staffNumber: runtime.config.ivrStaffNumber
	};
}

/** What placing calls into a visit needs; no phone line (production without Twilio): PHONE_UNAVAILABLE. */
export function phoneDeps(runtime: Runtime, requestUrl: URL): PhoneDeps {
	if (!runtime.phone) throw new AppError('PHONE_UNAVAILABLE');
	return {
		line: runtime.phone,
		baseUrl: ivrDeps(runtime, requestUrl).baseUrl,
		interpreterLine: runtime.config.interpreterLine
	};
}

/** A voice webhook's parameters, signed by Twilio for its full public URL (403 otherwise). */
export async function readCallRequest(runtime: Runtime, request: Request, url: URL): Promise<CallRequest> {
	const params = await readSignedWebhook(request, url, {
		authToken: runtime.config.twilioAuthToken,
		publicBaseUrl: runtime.config.publicBaseUrl
	});
	if (!params.CallSid || !/^CA[0-9a-f]{32}$/.test(params.CallSid)) throw new AppError('BAD_REQUEST');
	const digits = params.Digits && /^[0-9*#]{1,12}$/.test(params.Digits) ? params.Digits : undefined;
	const token = request.headers.get('i-twilio-idempotency-token')?.slice(0, 128);
	return {
		CallSid: params.CallSid,
		From: params.From,
		To: params.To,
		Digits: digits,
		CallStatus: params.CallStatus && /^[a-z-]{1,20}$/.test(params.CallStatus) ? params.CallStatus : undefined,
		idempotencyToken: token
	};
}

/** TwiML, as Twilio expects it. */
export const twiml = (body: string) =>
	new Response(body, { headers: { 'content-type': 'text/xml; charset=utf-8' } });
