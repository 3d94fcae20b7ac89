import { describe, expect, test } from 'vitest';
import { createOutboxWorker } from '../../src/lib/server/platform/outbox/worker';
import { devSinkTransport } from '../../src/lib/server/platform/outbox/dev-sink';
import { enqueue } from '../../src/lib/server/platform/outbox/outbox';
import {
	PermanentDeliveryError,
	type DeliverableMessage,
	type Transport
} from '../../src/lib/server/platform/outbox/transport';
import {
	claimDue,
	countByStatus,
	listDevMessages,
	openPayload
} from '../../src/lib/server/platform/outbox/repository';
import { fixedClock } from '../../src/lib/server/platform/clock';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { captureLogger, testPhiCipher } from '../helpers/context';
import { createOrganization, emailMessage, enqueueMessages, smsMessage } from '../factories';

const NOW = '2026-11-29T15:00:00.000Z';

/** A transport that fails as told, and records what it was asked to deliver. */
function scriptedTransport(
	script: ('ok' | 'transient' | 'permanent')[]
): Transport & { calls: DeliverableMessage[] } {
	const calls: DeliverableMessage[] = [];
	return {
		channel: 'sms',
		calls,
		deliver(message) {
			calls.push(message);
			const step = script[Math.min(calls.length - 1, script.length - 1)];
			if (step === 'transient') return Promise.reject(new Error('Twilio answered 503'));
			if (step === 'permanent')
				return Promise.reject(new PermanentDeliveryError('Twilio 21211: invalid To number'));
			return Promise.resolve({ remoteId: `SM${calls.length}` });
		}
	};
}

describe.each(DATABASE_KINDS)('outbox on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	function worker(
		transports: Transport[],
		clock = fixedClock(NOW),
		backoff = (attempt: number) => attempt * 10_000
	) {
		return createOutboxWorker({
			db: database().db,
			clock,
			phi,
			logger: captureLogger().logger,
			transports,
			batchSize: 10,
			pollMs: 50,
			backoff
		});
	}

	test('a message is written with the change that causes it, in the same transaction', async () => {
		const org = await createOrganization(database().db);
		await database()
			.db.transaction()
			.execute(async (tx) => {
				await tx
					.updateTable('organizations')
					.set({ name: 'Renamed Clinic' })
					.where('id', '=', org.id)
					.execute();
				await enqueue(tx, phi, smsMessage({ organizationId: org.id }), {
					now: new Date(NOW),
					maxAttempts: 3
				});
			});
		const rows = await database().db.selectFrom('outbox').selectAll().execute();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ status: 'pending', attempts: 0, organization_id: org.id });
	});

	test('when the transaction rolls back, no message is written', async () => {
		const org = await createOrganization(database().db);
		await expect(
			database()
				.db.transaction()
				.execute(async (tx) => {
					await tx
						.updateTable('organizations')
						.set({ name: 'Renamed Clinic' })
						.where('id', '=', org.id)
						.execute();
					await enqueue(tx, phi, smsMessage(), { now: new Date(NOW), maxAttempts: 3 });
					throw new Error('the booking failed');
				})
		).rejects.toThrow('the booking failed');
		expect(await database().db.selectFrom('outbox').selectAll().execute()).toHaveLength(0);
		const unchanged = await database()
			.db.selectFrom('organizations')
			.select('name')
			.where('id', '=', org.id)
			.executeTakeFirst();
		expect(unchanged?.name).toBe(org.name);
	});

	test('the same idempotency key never makes a second message', async () => {
		const message = smsMessage({ idempotencyKey: 'reminder:appt-1:24h' });
		const [first] = await enqueueMessages(database().db, phi, [message], { now: new Date(NOW) });
		const [second] = await enqueueMessages(
			database().db,
			phi,
			[{ ...message, payload: { to: '+15125550100', body: 'changed', language: 'en' } }],
			{
				now: new Date(NOW)
			}
		);
		expect(second!.id).toBe(first!.id);
		expect(await openPayload(database().db, phi, second!)).toEqual(message.payload);
		expect(await database().db.selectFrom('outbox').selectAll().execute()).toHaveLength(1);
	});

	test('the worker delivers due messages to the development outbox and marks them delivered', async () => {
		const clock = fixedClock(NOW);
		await enqueueMessages(database().db, phi, [smsMessage(), emailMessage()], { now: clock.now() });
		const w = worker(
			[
				devSinkTransport('sms', database().db, clock, phi),
				devSinkTransport('email', database().db, clock, phi)
			],
			clock
		);
		expect(await w.drain()).toBe(2);
		const rows = await database().db.selectFrom('outbox').selectAll().execute();
		expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
		expect(rows.every((r) => r.delivered_at?.toISOString() === NOW && r.attempts === 1)).toBe(true);
		const sent = await listDevMessages(database().db, phi, { limit: 10 });
		expect(sent.map((m) => [m.channel, m.recipient]).sort()).toEqual([
			['email', 'patient@example.org'],
			['sms', '+15125550199']
		]);
		expect(sent.find((m) => m.channel === 'email')?.subject).toBe('Your visit');
		// Stored sealed: the recipient is not in the row as written.
		const stored = await database().db.selectFrom('dev_outbox_messages').selectAll().execute();
		expect(JSON.stringify(stored)).not.toContain('patient@example.org');
	});

	test('a message that is not yet due is left alone', async () => {
		const clock = fixedClock(NOW);
		await enqueueMessages(database().db, phi, [smsMessage()], { now: new Date('2026-11-29T16:00:00Z') });
		const transport = scriptedTransport(['ok']);
		expect(await worker([transport], clock).runOnce()).toBe(0);
		expect(transport.calls).toHaveLength(0);
	});

	test('a transient failure is retried after an exponential backoff, then delivered', async () => {
		const clock = fixedClock(NOW);
		await enqueueMessages(database().db, phi, [smsMessage()], { now: clock.now(), maxAttempts: 5 });
		const transport = scriptedTransport(['transient', 'transient', 'ok']);
		const w = worker([transport], clock, (attempt) => 1000 * 2 ** (attempt - 1));

		await w.runOnce();
		let row = await database().db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'Twilio answered 503' });
		expect(row.next_attempt_at.toISOString()).toBe('2026-11-29T15:00:01.000Z');

		expect(await w.runOnce()).toBe(0); // not due yet
		clock.advance(1000);
		await w.runOnce();
		row = await database().db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(row.attempts).toBe(2);
		expect(row.next_attempt_at.toISOString()).toBe('2026-11-29T15:00:03.000Z');

		clock.advance(2000);
		await w.runOnce();
		row = await database().db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
		expect(transport.calls).toHaveLength(3);
		expect(new Set(transport.calls.map((c) => c.idempotencyKey)).size).toBe(1);
	});

	test('messages sharing an order key arrive in the order written, even when the first must be retried', async () => {
		const clock = fixedClock(NOW);
		const ordered = (n: number) => smsMessage({ idempotencyKey: `ordered-${n}`, orderKey: 'appointment:a1' });
		await enqueueMessages(
			database().db,
			phi,
			[ordered(1), ordered(2), smsMessage({ idempotencyKey: 'free' })],
			{
				now: clock.now(),
				maxAttempts: 5
			}
		);
		const transport = scriptedTransport(['transient', 'ok']);
		const w = worker([transport], clock, () => 1000);
		await w.runOnce();
		// The first failed; the second waits behind it; the unordered one went ahead.
		expect(transport.calls.map((c) => c.idempotencyKey)).toEqual(['ordered-1', 'free']);
		clock.advance(1000);
		await w.drain();
		expect(transport.calls.map((c) => c.idempotencyKey)).toEqual([
			'ordered-1',
			'free',
			'ordered-1',
			'ordered-2'
		]);
		expect(await countByStatus(database().db)).toMatchObject({ delivered: 3 });
	});

	test('a dead letter no longer holds back the messages behind it', async () => {
		const clock = fixedClock(NOW);
		const ordered = (n: number) => smsMessage({ idempotencyKey: `ordered-${n}`, orderKey: 'appointment:a2' });
		await enqueueMessages(database().db, phi, [ordered(1), ordered(2)], { now: clock.now(), maxAttempts: 5 });
		const transport = scriptedTransport(['permanent', 'ok']);
		await worker([transport], clock).drain();
		expect(transport.calls.map((c) => c.idempotencyKey)).toEqual(['ordered-1', 'ordered-2']);
		expect(await countByStatus(database().db)).toMatchObject({ dead: 1, delivered: 1 });
	});

	test('after the last attempt a message goes to the dead-letter state and is not tried again', async () => {
		const clock = fixedClock(NOW);
		await enqueueMessages(database().db, phi, [smsMessage()], { now: clock.now(), maxAttempts: 2 });
		const transport = scriptedTransport(['transient']);
		const w = worker([transport], clock, () => 1000);
		await w.runOnce();
		clock.advance(1000);
		await w.runOnce();
		clock.advance(60 * 60_000);
		expect(await w.runOnce()).toBe(0);
		const row = await database().db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'dead', attempts: 2, last_error: 'Twilio answered 503' });
		expect(transport.calls).toHaveLength(2);
	});

	test('a permanent failure goes to the dead-letter state at once', async () => {
		const clock = fixedClock(NOW);
		await enqueueMessages(database().db, phi, [smsMessage()], { now: clock.now(), maxAttempts: 8 });
		const transport = scriptedTransport(['permanent']);
		await worker([transport], clock).runOnce();
		const row = await database().db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'dead', attempts: 1, last_error: 'Twilio 21211: invalid To number' });
	});

	test('a message for a channel with no transport is dead-lettered, not silently dropped', async () => {
		const clock = fixedClock(NOW);
		await enqueueMessages(
			database().db,
			phi,
			[{ ...smsMessage(), channel: 'hl7v2', payload: { message: 'MSH|...' } }],
			{
				now: clock.now()
			}
		);
		await worker([scriptedTransport(['ok'])], clock).runOnce();
		const row = await database().db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(row.status).toBe('dead');
		expect(row.last_error).toContain('No transport for channel hl7v2');
	});

	test('a claim is a lease: a message whose worker died is claimed again when the lease ends', async () => {
		const clock = fixedClock(NOW);
		await enqueueMessages(database().db, phi, [smsMessage()], { now: clock.now() });
		const first = await claimDue(database().db, { now: clock.now(), limit: 10, leaseMs: 30_000 });
		expect(first).toHaveLength(1);
		expect(await claimDue(database().db, { now: clock.now(), limit: 10, leaseMs: 30_000 })).toHaveLength(0);
		clock.advance(30_001);
		const again = await claimDue(database().db, { now: clock.now(), limit: 10, leaseMs: 30_000 });
		expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
		expect(again[0]!.attempts).toBe(2);
	});

	test('concurrent workers never claim the same message (FOR UPDATE SKIP LOCKED)', async () => {
		const clock = fixedClock(NOW);
		await enqueueMessages(
			database().db,
			phi,
			Array.from({ length: 40 }, () => smsMessage()),
			{ now: clock.now() }
		);
		const claims = await Promise.all(
			Array.from({ length: 4 }, () =>
				claimDue(database().db, { now: clock.now(), limit: 15, leaseMs: 60_000 })
			)
		);
		const ids = claims.flat().map((r) => r.id);
		expect(ids).toHaveLength(40);
		expect(new Set(ids).size).toBe(40);
	});

	test('redelivery after a crash never shows a message twice in the development outbox', async () => {
		const clock = fixedClock(NOW);
		const [row] = await enqueueMessages(database().db, phi, [smsMessage()], { now: clock.now() });
		const sink = devSinkTransport('sms', database().db, clock, phi);
		const message = {
			id: row!.id,
			channel: row!.channel,
			idempotencyKey: row!.idempotency_key,
			attempts: 1,
			dataKeyId: row!.data_key_id,
			payload: await openPayload(database().db, phi, row!)
		};
		await sink.deliver(message);
		await sink.deliver(message);
		expect(await database().db.selectFrom('dev_outbox_messages').selectAll().execute()).toHaveLength(1);
	});

	test('a started worker delivers without being asked, and stops cleanly', async () => {
		const clock = fixedClock(NOW);
		const transport = scriptedTransport(['ok']);
		const w = worker([transport], clock);
		w.start();
		await enqueueMessages(database().db, phi, [smsMessage()], { now: clock.now() });
		w.wake();
		await expect.poll(async () => (await countByStatus(database().db)).delivered, { timeout: 5000 }).toBe(1);
		await w.stop();
		expect(transport.calls).toHaveLength(1);
	});
});
