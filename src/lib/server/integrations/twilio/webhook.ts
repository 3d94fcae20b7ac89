import twilio from 'twilio';

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
