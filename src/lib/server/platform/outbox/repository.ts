import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { PhiCipher } from '../crypto/phi';
import type { Database, OutboxChannel, OutboxRow, OutboxStatus } from '../schema';

type Executor = Kysely<Database>;

export type NewOutboxMessage = {
	channel: OutboxChannel;
	idempotencyKey: string;
	payload: Record<string, unknown>;
	organizationId?: string | null;
	/** Messages with the same key are delivered one after another, in the order written. */
	orderKey?: string | null;
	maxAttempts: number;
	now: Date;
};

const byKey = (db: Executor, idempotencyKey: string) =>
	db.selectFrom('outbox').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();

/**
 * Inserts a message, its payload sealed under a new data key, unless one with the same idempotency
 * key exists; returns the row either way.
 */
export async function insertMessage(
	db: Executor,
	phi: PhiCipher,
	message: NewOutboxMessage
): Promise<OutboxRow> {
	const existing = await byKey(db, message.idempotencyKey);
	if (existing) return existing;
	const id = randomUUID();
	const key = await phi.newDataKey(db);
	const inserted = await db
		.insertInto('outbox')
		.values({
			id,
			idempotency_key: message.idempotencyKey,
			channel: message.channel,
			organization_id: message.organizationId ?? null,
			order_key: message.orderKey ?? null,
			data_key_id: key.id,
			payload_enc: phi.seal(key, 'outbox.payload', id, JSON.stringify(message.payload)),
			max_attempts: message.maxAttempts,
			next_attempt_at: message.now,
			created_at: message.now,
			updated_at: message.now
		})
		.onConflict((oc) => oc.column('idempotency_key').doNothing())
		.returningAll()
		.executeTakeFirst();
	if (inserted) return inserted;
	// Another writer won the race for this key: its message stands, this data key is not needed.
	await db.deleteFrom('data_keys').where('id', '=', key.id).execute();
	const winner = await byKey(db, message.idempotencyKey);
	if (!winner) throw new Error('outbox message vanished after a conflicting insert');
	return winner;
}

/** Opens a message's payload. */
export async function openPayload(
	db: Executor,
	phi: PhiCipher,
	row: OutboxRow
): Promise<Record<string, unknown>> {
	const key = await phi.dataKey(db, row.data_key_id);
	return JSON.parse(phi.open(key, 'outbox.payload', row.id, row.payload_enc)) as Record<string, unknown>;
}

/**
 * Claims up to `limit` due messages for delivery. `FOR UPDATE SKIP LOCKED` lets several workers on
 * several instances share the table without taking the same row; a claim is a lease, so a message
 * whose worker died becomes due again when `locked_until` passes. A message with an order key waits
 * while an earlier one with the same key is undelivered (a dead letter no longer holds it back).
 */
export async function claimDue(
	db: Executor,
	options: { now: Date; limit: number; leaseMs: number }
): Promise<OutboxRow[]> {
	const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
	const result = await sql<OutboxRow>`
		update outbox set
			status = 'delivering',
			attempts = attempts + 1,
			locked_until = ${leaseUntil},
			updated_at = ${options.now}
		where id in (
			select id from outbox
			where ((status = 'pending' and next_attempt_at <= ${options.now})
				or (status = 'delivering' and locked_until < ${options.now}))
				and (order_key is null or not exists (
					select 1 from outbox earlier
					where earlier.order_key = outbox.order_key
						and earlier.seq < outbox.seq
						and earlier.status in ('pending', 'delivering')))
			order by next_attempt_at, seq
			limit ${options.limit}
			for update skip locked
		)
		returning *`.execute(db);
	// UPDATE ... RETURNING keeps no order: deliver in the order chosen above.
	return result.rows.sort(
		(a, b) =>
			new Date(a.next_attempt_at).getTime() - new Date(b.next_attempt_at).getTime() ||
			Number(BigInt(a.seq) - BigInt(b.seq))
	);
}

export async function markDelivered(db: Executor, id: string, now: Date): Promise<void> {
	await db
		.updateTable('outbox')
		.set({ status: 'delivered', delivered_at: now, locked_until: null, last_error: null, updated_at: now })
		.where('id', '=', id)
		.where('status', '=', 'delivering')
		.execute();
}

export async function markFailed(
	db: Executor,
	id: string,
	failure: { now: Date; error: string; retryAt: Date | null }
): Promise<void> {
	await db
		.updateTable('outbox')
		.set({
			status: failure.retryAt ? 'pending' : 'dead',
			next_attempt_at: failure.retryAt ?? failure.now,
			locked_until: null,
			last_error: failure.error.slice(0, 1000),
			updated_at: failure.now
		})
		.where('id', '=', id)
		.where('status', '=', 'delivering')
		.execute();
}

/** Which organization's messages a caller may see: one organization, or every one (`all`). */
export type OutboxScope = { organizationId: string } | 'all';

export async function findMessage(
	db: Executor,
	id: string,
	scope: OutboxScope
): Promise<OutboxRow | undefined> {
	let query = db.selectFrom('outbox').selectAll().where('id', '=', id);
	if (scope !== 'all') query = query.where('organization_id', '=', scope.organizationId);
	return query.executeTakeFirst();
}

export async function listByStatus(
	db: Executor,
	status: OutboxStatus,
	options: { limit: number; offset?: number; scope: OutboxScope }
): Promise<OutboxRow[]> {
	let query = db.selectFrom('outbox').selectAll().where('status', '=', status);
	if (options.scope !== 'all') query = query.where('organization_id', '=', options.scope.organizationId);
	return query
		.orderBy('updated_at', 'desc')
		.orderBy('id')
		.limit(options.limit)
		.offset(options.offset ?? 0)
		.execute();
}

/** Puts a dead message back in the queue with a fresh set of attempts; false when it was not dead. */
export async function requeueDead(db: Executor, id: string, now: Date, note: string): Promise<boolean> {
	const result = await db
		.updateTable('outbox')
		.set({ status: 'pending', attempts: 0, next_attempt_at: now, retry_note: note, updated_at: now })
		.where('id', '=', id)
		.where('status', '=', 'dead')
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

export async function countByStatus(db: Executor): Promise<Record<OutboxStatus, number>> {
	const rows = await db
		.selectFrom('outbox')
		.select(['status', db.fn.countAll<string>().as('n')])
		.groupBy('status')
		.execute();
	const counts: Record<OutboxStatus, number> = { pending: 0, delivering: 0, delivered: 0, dead: 0 };
	for (const row of rows) counts[row.status] = Number(row.n);
	return counts;
}

export async function listDevMessages(db: Executor, phi: PhiCipher, options: { limit: number }) {
	const rows = await db
		.selectFrom('dev_outbox_messages')
		.selectAll()
		.orderBy('created_at', 'desc')
		.orderBy('id')
		.limit(options.limit)
		.execute();
	const messages = [];
	for (const row of rows) {
		const key = await phi.dataKey(db, row.data_key_id);
		messages.push({
			id: row.id,
			outboxId: row.outbox_id,
			channel: row.channel,
			recipient: phi.open(key, 'dev_outbox_messages.recipient', row.id, row.recipient_enc),
			subject: phi.openOptional(key, 'dev_outbox_messages.subject', row.id, row.subject_enc),
			body: phi.open(key, 'dev_outbox_messages.body', row.id, row.body_enc),
			language: row.language,
			createdAt: row.created_at
		});
	}
	return messages;
}
