import twilio from 'twilio';
import * as v from 'valibot';
import type { TwilioSettings } from '../../platform/config';
import { VoicePayload } from '../../platform/outbox/messages';
import { PermanentDeliveryError, type Transport } from '../../platform/outbox/transport';
import { deliveryFailure, type TwilioClient } from './client';

type SayVoice = { voice: string; language: string };

/**
 * The text-to-speech voice for each language AnyVisit speaks (twilio.com/docs/voice/twiml/say/text-speech).
 * Twilio has no Haitian Creole voice: the phone line plays recorded Creole prompts instead
 * (src/lib/server/telephony/speak.ts); only a reminder call's own text (its date and time) is read in a French voice,
 * the closest Twilio offers.
 */
const ENGLISH: SayVoice = { voice: 'Polly.Joanna', language: 'en-US' };

export const SAY_VOICES: Record<string, SayVoice> = {
	en: ENGLISH,
	es: { voice: 'Polly.Lupe', language: 'es-US' },
	'zh-Hans': { voice: 'Google.cmn-CN-Standard-A', language: 'cmn-CN' },
	vi: { voice: 'Google.vi-VN-Standard-A', language: 'vi-VN' },
	ko: { voice: 'Polly.Seoyeon', language: 'ko-KR' },
	tl: { voice: 'Google.fil-PH-Standard-A', language: 'fil-PH' },
	ru: { voice: 'Polly.Tatyana', language: 'ru-RU' },
	ar: { voice: 'Google.ar-XA-Standard-A', language: 'ar-XA' },
	ht: { voice: 'Google.fr-FR-Standard-A', language: 'fr-FR' }
};

/** What the call says: the message twice, with a pause, in the patient's language. */
export function reminderCallTwiml(say: string, language: string): string {
	const { voice, language: locale } = SAY_VOICES[language] ?? ENGLISH;
	const response = new twilio.twiml.VoiceResponse();
	const attributes = { voice, language: locale } as Parameters<typeof response.say>[0];
	response.pause({ length: 1 });
	response.say(attributes, say);
	response.pause({ length: 2 });
	response.say(attributes, say);
	return response.toString();
}

/**
 * Calls a landline with the reminder through Twilio Programmable Voice (POST .../Calls.json with
 * inline TwiML). `statusCallback` hears when the call completed, was busy or went unanswered.
 */
export function twilioVoiceTransport(
	settings: TwilioSettings,
	client: TwilioClient,
	statusCallback: string,
	/** The webhook that speaks a keypad call (its confirm and call-back choices), by outbox message id. */
	answerUrl?: (messageId: string) => string
): Transport {
	return {
		channel: 'voice',
		async deliver(message) {
			const call = v.safeParse(VoicePayload, message.payload);
			if (!call.success) throw new PermanentDeliveryError('The voice message payload is not valid');
			try {
				// A call with choices is answered by the webhook, after Twilio has told a person from an
				// answering machine (which gets a short message without PHI); twilio.com/docs/voice/answering-machine-detection.
				const how =
					call.output.keypad && answerUrl
						? { url: answerUrl(message.id), method: 'POST' as const, machineDetection: 'DetectMessageEnd' }
						: { twiml: reminderCallTwiml(call.output.say, call.output.language) };
				const placed = await client.calls.create({
					to: call.output.to,
					from: settings.fromNumber,
					...how,
					statusCallback,
					statusCallbackEvent: ['completed'],
					statusCallbackMethod: 'POST'
				});
				return { remoteId: placed.sid };
			} catch (error) {
				throw deliveryFailure(error);
			}
		}
	};
}
