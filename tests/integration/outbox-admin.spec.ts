import { describe, expect, test } from 'vitest';
import { AppError } from '../../src/lib/server/platform/errors';
import {
	listDeliveries,
	listDevOutbox,
	retryDelivery,
	sendTestMessage
} from '../../src/lib/server/platform/outbox/admin';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { testContext } from '../helpers/context';
import { createOrganization, deadMessage, enqueueMessages, smsMessage } from '../factories';
import { devSinkTransport } from '../../src/lib/server/platform/outbox/dev-sink';
import { createOutboxWorker } from '../../src/lib/server/platform/outbox/worker';

const ORG_ID = '0b7a6c1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d';

describe.each(DATABASE_KINDS)('failed deliveries on %s', (kind) => {
	const database = useTestDatabase(kind);

	test('lists dead-lettered deliveries without their payloads', async () => {
		const { ctx, clock } = testContext(database().db);
		const dead = await deadMessage(database().db, ctx.phi, clock.now());
		await enqueueMessages(database().db, ctx.phi, [smsMessage()], { now: clock.now() });
		const list = await listDeliveries(ctx, { status: 'dead', limit: 50, offset: 0 });
		expect(list).toEqual([
			expect.objectContaining({
				id: dead.id,
				channel: 'sms',
				status: 'dead',
				lastError: 'Twilio 21211: invalid To number'
			})
		]);
		expect(JSON.stringify(list)).not.toContain('+15125550199');
	});

	test('retry puts a dead delivery back in the queue with fresh attempts and the note', async () => {
		const { ctx, clock } = testContext(database().db);
		const dead = await deadMessage(database().db, ctx.phi, clock.now());
		clock.advance(60_000);
		const view = await retryDelivery(ctx, { id: dead.id, note: 'Patient corrected the number' });
		expect(view).toMatchObject({ status: 'pending', attempts: 0, retryNote: 'Patient corrected the number' });
		const row = await database()
			.db.selectFrom('outbox')
			.selectAll()
			.where('id', '=', dead.id)
			.executeTakeFirstOrThrow();
		expect(row.next_attempt_at.toISOString()).toBe(clock.now().toISOString());
	});

	test('retrying an unknown delivery is NOT_FOUND and writes nothing', async () => {
		const { ctx, clock } = testContext(database().db);
		const dead = await deadMessage(database().db, ctx.phi, clock.now());
		await expect(
			retryDelivery(ctx, { id: '6f1e2f4a-0000-4000-8000-000000000000', note: 'x' })
		).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
		const row = await database()
			.db.selectFrom('outbox')
			.selectAll()
			.where('id', '=', dead.id)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'dead', retry_note: null });
	});

	test('retrying a delivery that is not dead is a CONFLICT and changes nothing', async () => {
		const { ctx, clock } = testContext(database().db);
		const [pending] = await enqueueMessages(database().db, ctx.phi, [smsMessage()], { now: clock.now() });
		await expect(retryDelivery(ctx, { id: pending!.id, note: 'again' })).rejects.toMatchObject({
			code: 'CONFLICT'
		});
		const row = await database()
			.db.selectFrom('outbox')
			.selectAll()
			.where('id', '=', pending!.id)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'pending', retry_note: null, attempts: 0 });
	});

	test.each([{ kind: 'anonymous' as const }, { kind: 'system' as const }])(
		'an actor of kind $kind may not list or retry deliveries',
		async (actor) => {
			const { ctx, clock } = testContext(database().db, { actor });
			const dead = await deadMessage(database().db, ctx.phi, clock.now());
			await expect(listDeliveries(ctx, { status: 'dead', limit: 10, offset: 0 })).rejects.toBeInstanceOf(
				AppError
			);
			await expect(retryDelivery(ctx, { id: dead.id, note: 'x' })).rejects.toMatchObject({
				code: 'FORBIDDEN'
			});
			const row = await database()
				.db.selectFrom('outbox')
				.selectAll()
				.where('id', '=', dead.id)
				.executeTakeFirstOrThrow();
			expect(row.status).toBe('dead');
		}
	);

	test('staff other than admins may not retry; an admin may', async () => {
		const org = await createOrganization(database().db);
		const { ctx: nurse, clock } = testContext(database().db, {
			actor: { kind: 'staff', id: 's1', organizationId: org.id, roles: ['nurse'] }
		});
		const dead = await deadMessage(database().db, nurse.phi, clock.now(), { organizationId: org.id });
		await expect(retryDelivery(nurse, { id: dead.id, note: 'x' })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
		const { ctx: admin } = testContext(database().db, {
			actor: { kind: 'staff', id: 's2', organizationId: org.id, roles: ['admin'] }
		});
		await expect(retryDelivery(admin, { id: dead.id, note: 'fixed' })).resolves.toMatchObject({
			status: 'pending'
		});
	});

	test('a test message goes through the outbox to the development outbox; a simulated failure is dead-lettered', async () => {
		const { ctx, clock } = testContext(database().db);
		const text = { subject: 'Test', body: 'Prueba de AnyVisit' };
		await sendTestMessage(ctx, {
			channel: 'sms',
			to: '+15125550100',
			language: 'es',
			simulateFailure: false,
			text
		});
		const failing = await sendTestMessage(ctx, {
			channel: 'email',
			to: 'someone@example.org',
			language: 'en',
			simulateFailure: true,
			text
		});
		const worker = createOutboxWorker({
			db: database().db,
			clock,
			phi: ctx.phi,
			logger: ctx.logger,
			transports: [
				devSinkTransport('sms', database().db, clock, ctx.phi),
				devSinkTransport('email', database().db, clock, ctx.phi)
			],
			batchSize: 10,
			pollMs: 10
		});
		await worker.drain();
		const shown = await listDevOutbox(ctx, { limit: 10 });
		expect(shown).toEqual([
			expect.objectContaining({
				channel: 'sms',
				to: '+15125550100',
				body: 'Prueba de AnyVisit',
				language: 'es'
			})
		]);
		const dead = await listDeliveries(ctx, { status: 'dead', limit: 10, offset: 0 });
		expect(dead.map((d) => d.id)).toEqual([failing.id]);
	});

	test('an admin reaches only their own organization’s deliveries (IDOR)', async () => {
		const db = database().db;
		const mine = await createOrganization(db);
		const theirs = await createOrganization(db);
		const { ctx: admin, clock } = testContext(db, {
			actor: { kind: 'staff', id: 'a1', organizationId: mine.id, roles: ['admin'] }
		});
		const own = await deadMessage(db, admin.phi, clock.now(), { organizationId: mine.id });
		const other = await deadMessage(db, admin.phi, clock.now(), { organizationId: theirs.id });

		const listed = await listDeliveries(admin, { status: 'dead', limit: 50, offset: 0 });
		expect(listed.map((d) => d.id)).toEqual([own.id]);
		// Changing the id in the request does not reach another organization's message.
		await expect(retryDelivery(admin, { id: other.id, note: 'not mine' })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
		const untouched = await db
			.selectFrom('outbox')
			.selectAll()
			.where('id', '=', other.id)
			.executeTakeFirstOrThrow();
		expect(untouched).toMatchObject({ status: 'dead', retry_note: null });
		await expect(retryDelivery(admin, { id: own.id, note: 'mine' })).resolves.toMatchObject({
			status: 'pending'
		});
	});

	test('only the development operator or an admin sees the development outbox', async () => {
		const { ctx: nurse } = testContext(database().db, {
			actor: { kind: 'staff', id: 's', organizationId: ORG_ID, roles: ['nurse', 'scheduler'] }
		});
		await expect(listDevOutbox(nurse, { limit: 10 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
		const { ctx: admin } = testContext(database().db, {
			actor: { kind: 'staff', id: 's', organizationId: ORG_ID, roles: ['admin'] }
		});
		await expect(listDevOutbox(admin, { limit: 10 })).resolves.toEqual([]);
	});
});
