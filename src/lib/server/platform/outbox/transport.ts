import type { OutboxChannel } from '../schema';

/** A message as a transport receives it: its payload opened, its idempotency key to pass on. */
export type DeliverableMessage = {
	id: string;
	channel: OutboxChannel;
	idempotencyKey: string;
	attempts: number;
	dataKeyId: string;
	payload: Record<string, unknown>;
};

/** The result of one delivery: the remote id when the system gives one. */
export type Delivered = { remoteId?: string };

/** Delivers outbox messages of one channel to one external system (Twilio, SMTP, the EHR, ...). */
export interface Transport {
	readonly channel: OutboxChannel;
	deliver(message: DeliverableMessage): Promise<Delivered>;
}

/**
 * A failure that retrying cannot fix (an invalid number, a rejected resource): the message goes
 * straight to the dead-letter state for staff to look at.
 */
export class PermanentDeliveryError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PermanentDeliveryError';
	}
}
