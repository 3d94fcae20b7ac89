import type { Kysely } from 'kysely';
import type { Database, OutboxChannel, OutboxRow } from '../schema';
import type { PhiCipher } from '../crypto/phi';
import { insertMessage } from './repository';

export type OutboxMessage = {
	channel: OutboxChannel;
	/** Stable for the cause of the message (e.g. `otp:<challenge id>`), so a retried command never sends twice. */
	idempotencyKey: string;
	payload: Record<string, unknown>;
	organizationId?: string | null;
	/** Messages with the same key arrive one after another, in the order written (e.g. `appointment:<id>`). */
	orderKey?: string | null;
};

/**
 * Writes a message to the outbox. Call it with the same transaction as the change that causes the
 * message: either both are committed or neither is (transactional outbox).
 */
export async function enqueue(
	tx: Kysely<Database>,
	phi: PhiCipher,
	message: OutboxMessage,
	options: { now: Date; maxAttempts: number }
): Promise<OutboxRow> {
	return insertMessage(tx, phi, { ...message, now: options.now, maxAttempts: options.maxAttempts });
}
