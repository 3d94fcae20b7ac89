import type { Kysely } from 'kysely';
import type { Database } from '../platform/schema';
import { COMPACTS_AS_OF, COMPACT_MEMBERSHIPS, type CompactMembership } from './compacts';
import type { LicenceRecord } from './rules';

type Executor = Kysely<Database>;

/**
 * Makes the compact_memberships table match compacts.ts (reference data, not demo data: production
 * needs it too). Run at every start; a no-op when nothing changed.
 */
export async function syncCompactMemberships(db: Executor): Promise<void> {
	const current = await db.selectFrom('compact_memberships').select('as_of').limit(1).executeTakeFirst();
	const count = await db
		.selectFrom('compact_memberships')
		.select(db.fn.countAll<string>().as('n'))
		.executeTakeFirstOrThrow();
	if (current?.as_of === COMPACTS_AS_OF && Number(count.n) === COMPACT_MEMBERSHIPS.length) return;
	await db.transaction().execute(async (tx) => {
		await tx.deleteFrom('compact_memberships').execute();
		await tx
			.insertInto('compact_memberships')
			.values(
				COMPACT_MEMBERSHIPS.map((m) => ({
					compact: m.compact,
					state: m.state,
					effective_from: m.effectiveFrom,
					effective_until: m.effectiveUntil,
					as_of: COMPACTS_AS_OF
				}))
			)
			.execute();
	});
}

export async function readCompactMemberships(db: Executor): Promise<CompactMembership[]> {
	const rows = await db.selectFrom('compact_memberships').selectAll().execute();
	return rows.map((r) => ({
		compact: r.compact,
		state: r.state,
		effectiveFrom: r.effective_from,
		effectiveUntil: r.effective_until
	}));
}

/** Every licence of the given staff, by staff id. */
export async function readLicences(db: Executor, staffIds: string[]): Promise<Map<string, LicenceRecord[]>> {
	const byStaff = new Map<string, LicenceRecord[]>(staffIds.map((id) => [id, []]));
	if (staffIds.length === 0) return byStaff;
	const rows = await db.selectFrom('licenses').selectAll().where('staff_id', 'in', staffIds).execute();
	for (const row of rows) {
		byStaff.get(row.staff_id)?.push({
			id: row.id,
			state: row.state,
			credential: row.credential,
			status: row.status,
			pathway: row.pathway,
			issuedOn: row.issued_on,
			expiresOn: row.expires_on
		});
	}
	return byStaff;
}
