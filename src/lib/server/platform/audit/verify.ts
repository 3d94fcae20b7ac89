import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { GENESIS_HASH, entryHash } from './chain';

export type ChainReport =
	| { intact: true; entries: number }
	| {
			intact: false;
			entries: number;
			seq: number;
			problem: 'changed' | 'missing' | 'relinked' | 'truncated';
	  };

const BATCH = 1000;

/**
 * Walks the whole chain in order. Reports the first entry whose content no longer matches its hash
 * (changed), a number that is skipped (missing), a previous-hash that does not match (relinked), or a
 * head that points past the last entry (the newest entries were removed: truncated).
 */
export async function verifyAuditChain(db: Kysely<Database>): Promise<ChainReport> {
	let expectedSeq = 1;
	let prevHash = GENESIS_HASH;
	for (;;) {
		const rows = await db
			.selectFrom('audit_log')
			.selectAll()
			.where('seq', '>=', String(expectedSeq))
			.orderBy('seq')
			.limit(BATCH)
			.execute();
		for (const row of rows) {
			const seq = Number(row.seq);
			if (seq !== expectedSeq)
				return { intact: false, entries: expectedSeq - 1, seq: expectedSeq, problem: 'missing' };
			if (row.prev_hash !== prevHash) return { intact: false, entries: seq - 1, seq, problem: 'relinked' };
			const recomputed = entryHash(
				{
					seq,
					occurredAt: row.occurred_at,
					actorKind: row.actor_kind,
					actorId: row.actor_id,
					organizationId: row.organization_id,
					action: row.action,
					resourceType: row.resource_type,
					resourceId: row.resource_id,
					outcome: row.outcome,
					ip: row.ip,
					userAgent: row.user_agent,
					purpose: row.purpose,
					requestId: row.request_id,
					details: row.details
				},
				prevHash
			);
			if (recomputed !== row.hash) return { intact: false, entries: seq - 1, seq, problem: 'changed' };
			prevHash = row.hash;
			expectedSeq = seq + 1;
		}
		if (rows.length < BATCH) break;
	}
	const entries = expectedSeq - 1;
	const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirst();
	const headSeq = head ? Number(head.seq) : 0;
	if (headSeq !== entries || (head && head.hash !== prevHash)) {
		return { intact: false, entries, seq: entries + 1, problem: 'truncated' };
	}
	return { intact: true, entries };
}
