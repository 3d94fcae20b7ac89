import type { TwilioSettings } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { createTwilioClient, twilioCode, type TwilioHttpClient } from '../twilio/client';
import type { PhoneLine } from './provider';

// "Call is not in-progress. Cannot redirect/complete" (twilio.com/docs/api/errors/21220): it already ended.
const CALL_NOT_IN_PROGRESS = 21220;

/**
 * Twilio Programmable Voice (twilio.com/docs/voice/api/call-resource): a call is created with the
 * URL of the TwiML that joins it to the visit and a status callback for its progress; it is hung up
 * by updating its status to completed. A refusal or an unreachable Twilio is PHONE_UNAVAILABLE.
 */
export function twilioPhoneLine(
	settings: TwilioSettings,
	options: { httpClient?: TwilioHttpClient } = {}
): PhoneLine {
	const client = createTwilioClient(settings, options.httpClient);
	return {
		kind: 'twilio',
		async dial(call) {
			try {
				const placed = await client.calls.create({
					to: call.to,
					from: settings.fromNumber,
					url: call.answerUrl,
					method: 'POST',
					statusCallback: call.statusCallback,
					statusCallbackEvent: ['ringing', 'answered', 'completed'],
					statusCallbackMethod: 'POST',
					// Unanswered after 30 s: the clinician can try again or carry on as they were.
					timeout: 30,
					...(call.sendDigits ? { sendDigits: call.sendDigits } : {})
				});
				return { callSid: placed.sid };
			} catch (error) {
				throw unavailable(error);
			}
		},
		async hangUp(callSid) {
			try {
				await client.calls(callSid).update({ status: 'completed' });
			} catch (error) {
				if (twilioCode(error) === CALL_NOT_IN_PROGRESS) return;
				throw unavailable(error);
			}
		}
	};
}

function unavailable(error: unknown): AppError {
	const appError = new AppError('PHONE_UNAVAILABLE');
	// Twilio's message names the call and the error code, never a person: safe to keep for the log.
	appError.cause = error;
	return appError;
}
