import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { createAuditor } from '../../src/lib/server/platform/audit/audit';
import { verifyAuditChain } from '../../src/lib/server/platform/audit/verify';
import { searchAudit } from '../../src/lib/server/platform/audit/search';
import { fixedClock } from '../../src/lib/server/platform/clock';
import type { Db } from '../../src/lib/server/platform/db';
import { retryDelivery, listDevOutbox } from '../../src/lib/server/platform/outbox/admin';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/db';
import { testContext } from '../helpers/context';
import { deadMessage } from '../factories';

const ORG = '0b7a6c1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d';

function auditor(db: Db) {
	const clock = fixedClock('2026-11-29T15:00:00Z');
	return createAuditor({
		db,
		actor: { kind: 'staff', id: 'staff-1', organizationId: ORG, roles: ['clinician'] },
		origin: { ip: '198.51.100.4', userAgent: 'Mozilla/5.0 (Linux; Android 9)', requestId: 'req-1' },
		now: () => {
			clock.advance(1000);
			return clock.now();
		}
	});
}

async function writeEntries(db: Db, n: number) {
	const audit = auditor(db);
	for (let i = 1; i <= n; i++) {
		await audit.record({
			action: 'read',
			resourceType: 'patient',
			resourceId: `p-${i}`,
			purpose: 'treatment'
		});
	}
}

/** What an attacker with direct database access would do: switch the protection off first. */
async function tamper(db: Db, statement: ReturnType<typeof sql>) {
	await sql`alter table audit_log disable trigger user`.execute(db);
	await statement.execute(db);
	await sql`alter table audit_log enable trigger user`.execute(db);
}

async function withDatabase(kind: 'pglite' | 'postgres', run: (t: TestDatabase) => Promise<void>) {
	const t = await openTestDatabase(kind);
	try {
		await run(t);
	} finally {
		await t.close();
	}
}

describe.each(DATABASE_KINDS)('audit log on %s', (kind) => {
	test('records who did what to which record, when, from where and why; the chain verifies', async () => {
		await withDatabase(kind, async ({ db }) => {
			await writeEntries(db, 3);
			const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
			expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
			expect(rows[0]).toMatchObject({
				actor_kind: 'staff',
				actor_id: 'staff-1',
				organization_id: ORG,
				action: 'read',
				resource_type: 'patient',
				resource_id: 'p-1',
				outcome: 'success',
				ip: '198.51.100.4',
				user_agent: 'Mozilla/5.0 (Linux; Android 9)',
				purpose: 'treatment',
				prev_hash: '0'.repeat(64)
			});
			expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
			expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 3 });
		});
	});

	test('an entry written in a transaction that rolls back is not written', async () => {
		await withDatabase(kind, async ({ db }) => {
			await writeEntries(db, 1);
			await expect(
				db.transaction().execute(async (tx) => {
					await auditor(db).record({ action: 'update', resourceType: 'patient', resourceId: 'p-9' }, tx);
					throw new Error('the change failed');
				})
			).rejects.toThrow('the change failed');
			expect(await db.selectFrom('audit_log').select('seq').execute()).toHaveLength(1);
			expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 1 });
		});
	});

	test('the database refuses to change, delete or truncate entries', async () => {
		await withDatabase(kind, async ({ db }) => {
			await writeEntries(db, 2);
			await expect(db.updateTable('audit_log').set({ purpose: 'x' }).execute()).rejects.toThrow(
				'append-only'
			);
			await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow('append-only');
			await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow('append-only');
			expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 2 });
		});
	});

	test('concurrent writers still make one unbroken chain', async () => {
		await withDatabase(kind, async ({ db }) => {
			await Promise.all(
				Array.from({ length: 20 }, (_, i) =>
					auditor(db).record({ action: 'read', resourceType: 'patient', resourceId: `p-${i}` })
				)
			);
			expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 20 });
		});
	});

	test.each([
		['a changed field', sql`update audit_log set purpose = 'marketing' where seq = 3`, 3, 'changed'],
		[
			'a changed entry with a forged hash',
			sql`update audit_log set resource_id = 'p-other', hash = repeat('a', 64) where seq = 2`,
			2,
			'changed'
		],
		['a removed entry', sql`delete from audit_log where seq = 4`, 4, 'missing'],
		['removed newest entries', sql`delete from audit_log where seq >= 4`, 4, 'truncated'],
		['a broken link', sql`update audit_log set prev_hash = repeat('0', 64) where seq = 5`, 5, 'relinked']
	] as const)('tampering: %s is found and named', async (_name, statement, seq, problem) => {
		await withDatabase(kind, async ({ db }) => {
			await writeEntries(db, 5);
			await tamper(db, statement);
			expect(await verifyAuditChain(db)).toMatchObject({ intact: false, seq, problem });
		});
	});

	test('services audit reads of PHI and refused attempts', async () => {
		await withDatabase(kind, async ({ db }) => {
			const { ctx: operator, clock } = testContext(db);
			await listDevOutbox(operator, { limit: 10 });
			const dead = await deadMessage(db, operator.phi, clock.now());
			const { ctx: nurse } = testContext(db, {
				actor: { kind: 'staff', id: 'nurse-1', organizationId: ORG, roles: ['nurse'] }
			});
			await expect(retryDelivery(nurse, { id: dead.id, note: 'try' })).rejects.toMatchObject({
				code: 'FORBIDDEN'
			});
			await retryDelivery(operator, { id: dead.id, note: 'fixed the number' });

			const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
			expect(rows.map((r) => [r.actor_kind, r.action, r.resource_type, r.outcome])).toEqual([
				['dev-operator', 'read', 'dev_outbox', 'success'],
				['staff', 'outbox.retry', 'outbox_message', 'denied'],
				['dev-operator', 'outbox.retry', 'outbox_message', 'success']
			]);
			expect(rows[2]).toMatchObject({ resource_id: dead.id, ip: '203.0.113.7', user_agent: 'vitest' });
			// The note is not copied into the audit log; only identifiers are.
			expect(JSON.stringify(rows)).not.toContain('fixed the number');
			expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 3 });
		});
	});
});

describe.each(DATABASE_KINDS)('searching the audit log on %s', (kind) => {
	test('an admin sees their organization’s entries, filtered, and the search is recorded; others are refused', async () => {
		await withDatabase(kind, async ({ db }) => {
			const [mine, theirs] = await Promise.all(
				['Mine', 'Theirs'].map((name) =>
					db
						.insertInto('organizations')
						.values({ name, time_zone: 'UTC' })
						.returning('id')
						.executeTakeFirstOrThrow()
				)
			);
			const staffIn = (organizationId: string, roles: string[]) =>
				({ kind: 'staff', id: `s-${organizationId}`, organizationId, roles }) as const;
			const { ctx: writerMine } = testContext(db, { actor: staffIn(mine!.id, ['clinician']) });
			const { ctx: writerTheirs } = testContext(db, { actor: staffIn(theirs!.id, ['clinician']) });
			await writerMine.audit.record({
				action: 'read',
				resourceType: 'patient',
				resourceId: 'p-1',
				purpose: 'treatment'
			});
			await writerMine.audit.record({ action: 'update', resourceType: 'patient', resourceId: 'p-1' });
			await writerTheirs.audit.record({ action: 'read', resourceType: 'patient', resourceId: 'p-2' });

			const { ctx: admin } = testContext(db, { actor: staffIn(mine!.id, ['admin']) });
			const all = await searchAudit(admin, { limit: 50 });
			expect(all.map((e) => e.resourceId)).toEqual(['p-1', 'p-1']);
			expect(all[0]!.seq).toBeGreaterThan(all[1]!.seq);
			const reads = await searchAudit(admin, { action: 'read', limit: 50 });
			expect(reads).toEqual([
				expect.objectContaining({ action: 'read', purpose: 'treatment', ip: '203.0.113.7' })
			]);
			const paged = await searchAudit(admin, { before: all[0]!.seq, limit: 50 });
			expect(paged.map((e) => e.seq)).not.toContain(all[0]!.seq);

			const { ctx: nurse } = testContext(db, { actor: staffIn(mine!.id, ['nurse']) });
			await expect(searchAudit(nurse, { limit: 50 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
			const searches = await db
				.selectFrom('audit_log')
				.selectAll()
				.where('action', '=', 'audit.search')
				.execute();
			expect(searches.map((s) => s.outcome).sort()).toEqual(['denied', 'success', 'success', 'success']);
			expect(await verifyAuditChain(db)).toMatchObject({ intact: true });
		});
	});
});
