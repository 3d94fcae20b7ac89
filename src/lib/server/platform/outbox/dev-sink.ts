import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type { OutboxChannel } from '../schema';
import type { Clock } from '../clock';
import type { PhiCipher } from '../crypto/phi';
import { describeMessage } from './messages';
import { PermanentDeliveryError, type Transport } from './transport';

/** The id the development sink gives a message, as Twilio gives a MessageSid (status callbacks name it). */
export function devProviderId(outboxId: string): string {
	return `dev-${outboxId}`;
}

/**
 * The embedded default for SMS, email and voice: instead of Twilio or SMTP, every message lands in
 * the development outbox (a staff page and GET /dev/outbox.json). Keyed by the outbox id, so a
 * redelivery never shows a message twice.
 */
export function devSinkTransport(channel: OutboxChannel, db: Db, clock: Clock, phi: PhiCipher): Transport {
	return {
		channel,
		async deliver(message) {
			const view = describeMessage(channel, message.payload);
			if (!view) throw new PermanentDeliveryError(`The ${channel} message payload is not valid`);
			if (message.payload.simulateFailure === true) {
				throw new PermanentDeliveryError('Simulated failure (development test message)');
			}
			// Sealed with the message's own data key: the development outbox holds PHI too.
			const key = await phi.dataKey(db, message.dataKeyId);
			const id = randomUUID();
			await db
				.insertInto('dev_outbox_messages')
				.values({
					id,
					outbox_id: message.id,
					channel,
					data_key_id: key.id,
					recipient_enc: phi.seal(key, 'dev_outbox_messages.recipient', id, view.recipient),
					subject_enc: phi.sealOptional(key, 'dev_outbox_messages.subject', id, view.subject),
					body_enc: phi.seal(key, 'dev_outbox_messages.body', id, view.body),
					language: view.language,
					created_at: clock.now()
				})
				.onConflict((oc) => oc.column('outbox_id').doNothing())
				.execute();
			return { remoteId: devProviderId(message.id) };
		}
	};
}
