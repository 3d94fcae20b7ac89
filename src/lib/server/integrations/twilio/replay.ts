import type { TwilioHttpClient } from './client';

// For the Twilio adapters' tests: the library's HTTP layer answering from a recorded payload.

/** Twilio's documented error body (twilio.com/docs/usage/twilios-response#response-formats-exceptions). */
export const twilioErrorBody = (code: number, status: number, message: string) => ({
	code,
	message,
	more_info: `https://www.twilio.com/docs/errors/${code}`,
	status
});

export type RecordedRequest = Parameters<TwilioHttpClient['request']>[0];

/** Twilio's HTTP layer with a recorded answer (or a network failure) in place of the network. */
export function replayTwilio(answer: { statusCode: number; body: unknown } | Error) {
	const requests: RecordedRequest[] = [];
	const http: TwilioHttpClient = {
		request(options) {
			requests.push(options);
			if (answer instanceof Error) return Promise.reject(answer);
			return Promise.resolve({
				statusCode: answer.statusCode,
				body: JSON.stringify(answer.body),
				headers: {}
			});
		}
	};
	return { requests, http };
}
