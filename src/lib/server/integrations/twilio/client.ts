import twilio from 'twilio';
import type { TwilioSettings } from '../../platform/config';
import { PermanentDeliveryError } from '../../platform/outbox/transport';

export type TwilioClient = ReturnType<typeof twilio>;

/** What the twilio library's HTTP layer is asked to do (its RequestClient contract), for tests. */
export type TwilioHttpClient = {
	request(options: {
		method: string;
		uri: string;
		username?: string;
		password?: string;
		headers?: Record<string, string>;
		data?: Record<string, unknown>;
		params?: Record<string, unknown>;
	}): Promise<{ statusCode: number; body: unknown; headers?: unknown }>;
};

/** The Twilio REST client for one account; `httpClient` replaces the network in tests. */
export function createTwilioClient(settings: TwilioSettings, httpClient?: TwilioHttpClient): TwilioClient {
	return twilio(settings.accountSid, settings.authToken, {
		...(httpClient ? { httpClient: httpClient as never } : {}),
		timeout: 15_000
	});
}

/**
 * Sorts a failed REST call into "try again later" and "never": Twilio answers a request that can
 * never succeed (an invalid or landline number for a text, an unsubscribed recipient, a region not
 * enabled) with 400, 403 or 404 and an error code (twilio.com/docs/api/errors); 401 (credentials
 * being rotated), 429 (rate limit), 5xx and network failures are retried by the outbox with backoff.
 */
export function deliveryFailure(error: unknown): Error {
	const status = twilioStatus(error) ?? NaN;
	const code = twilioCode(error) ?? 'unknown';
	if (status === 400 || status === 403 || status === 404) {
		return new PermanentDeliveryError(`Twilio refused the request (HTTP ${status}, error ${code})`);
	}
	if (Number.isFinite(status)) return new Error(`Twilio answered HTTP ${status} (error ${code})`);
	return new Error(`Twilio could not be reached: ${error instanceof Error ? error.message : String(error)}`);
}

/** The HTTP status of a failed Twilio REST call (the library's RestException), if it got an answer. */
export function twilioStatus(error: unknown): number | undefined {
	return typeof error === 'object' && error && 'status' in error ? Number(error.status) : undefined;
}

/** Twilio's error code (twilio.com/docs/api/errors) of a failed REST call, if it gave one. */
export function twilioCode(error: unknown): number | undefined {
	return typeof error === 'object' && error && 'code' in error ? Number(error.code) : undefined;
}
