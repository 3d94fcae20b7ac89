import twilio from 'twilio';
import { AppError } from '../../platform/errors';

/**
 * Twilio's request validation (X-Twilio-Signature: HMAC-SHA1 over the full URL Twilio called and the
 * POST parameters sorted by name, base64; twilio.com/docs/usage/webhooks/webhooks-security), done by
 * the twilio library itself. The URL must be the public one Twilio used, not an internal one.
 */
export function isValidTwilioSignature(
	authToken: string,
	signature: string | null,
	url: string,
	params: Record<string, string>
): boolean {
	if (!signature) return false;
	return twilio.validateRequest(authToken, signature, url, params);
}

/** The signature Twilio would send for this URL and these parameters (for tools and tests). */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
	return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** A TwiML answer to an incoming text: one reply message, or none. */
export function messagingResponse(reply: string | null): string {
	const response = new twilio.twiml.MessagingResponse();
	if (reply) response.message(reply);
	return response.toString();
}

const MAX_WEBHOOK_BYTES = 16 * 1024;

/**
 * The form parameters of a webhook Twilio posted, after checking its signature against the public
 * URL Twilio called (PUBLIC_BASE_URL when set, since a proxy in front changes the scheme and host).
 * No token (production without TWILIO_AUTH_TOKEN): 503; a wrong or missing signature: 403.
 */
export async function readSignedWebhook(
	request: Request,
	url: URL,
	settings: { authToken: string | null; publicBaseUrl: string | undefined }
): Promise<Record<string, string>> {
	if (!settings.authToken) throw new AppError('UNAVAILABLE');
	if (!/^application\/x-www-form-urlencoded/i.test(request.headers.get('content-type') ?? ''))
		throw new AppError('UNSUPPORTED_MEDIA_TYPE');
	const text = await request.text();
	if (text.length > MAX_WEBHOOK_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { max: MAX_WEBHOOK_BYTES });
	const params = Object.fromEntries(new URLSearchParams(text));
	const publicUrl = settings.publicBaseUrl
		? new URL(url.pathname + url.search, settings.publicBaseUrl).toString()
		: url.toString();
	if (
		!isValidTwilioSignature(settings.authToken, request.headers.get('x-twilio-signature'), publicUrl, params)
	) {
		throw new AppError('FORBIDDEN');
	}
	return params;
}
