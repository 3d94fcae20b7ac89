import * as v from 'valibot';
import type { TwilioSettings } from '../../platform/config';
import { SmsPayload } from '../../platform/outbox/messages';
import { PermanentDeliveryError, type Transport } from '../../platform/outbox/transport';
import { deliveryFailure, type TwilioClient } from './client';

/**
 * Texts through Twilio Programmable Messaging (POST /2010-04-01/Accounts/{sid}/Messages.json).
 * Twilio calls `statusCallback` as the text moves through queued, sent, delivered or undelivered.
 */
export function twilioSmsTransport(
	settings: TwilioSettings,
	client: TwilioClient,
	statusCallback: string
): Transport {
	return {
		channel: 'sms',
		async deliver(message) {
			const sms = v.safeParse(SmsPayload, message.payload);
			if (!sms.success) throw new PermanentDeliveryError('The sms message payload is not valid');
			try {
				const sent = await client.messages.create({
					to: sms.output.to,
					body: sms.output.body,
					statusCallback,
					...(settings.messagingServiceSid
						? { messagingServiceSid: settings.messagingServiceSid }
						: { from: settings.fromNumber })
				});
				return { remoteId: sent.sid };
			} catch (error) {
				throw deliveryFailure(error);
			}
		}
	};
}
