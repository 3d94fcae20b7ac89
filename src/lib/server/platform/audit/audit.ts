import { sql, type Kysely } from 'kysely';
import type { Actor } from '../context';
import type { Database } from '../schema';
import { GENESIS_HASH, entryHash, type AuditFields } from './chain';

/** One thing that happened, as a service reports it. */
export type AuditEvent = {
	action: string;
	resourceType: string;
	resourceId?: string | null;
	outcome?: AuditFields['outcome'];
	purpose?: string | null;
	/**
	 * The organization the entry belongs to when the actor has none (someone not yet signed in, such
	 * as a failed sign-in or an enrolment), so that organization's admins find it.
	 */
	organizationId?: string | null;
	/** Identifiers and counts only: never names, numbers, dates of birth or message bodies. */
	details?: Record<string, string | number | boolean | null>;
};

/** Where a request came from: recorded with each entry. */
export type AuditOrigin = { ip: string | null; userAgent: string | null; requestId: string | null };

export interface Auditor {
	/** Appends an entry; pass the transaction of the change so both commit or neither. */
	record(event: AuditEvent, executor?: Kysely<Database>): Promise<void>;
}

function actorColumns(
	actor: Actor,
	organizationId: string | null
): {
	actorKind: string;
	actorId: string | null;
	organizationId: string | null;
} {
	if (actor.kind === 'staff' || actor.kind === 'patient' || actor.kind === 'guest') {
		return { actorKind: actor.kind, actorId: actor.id, organizationId: actor.organizationId };
	}
	return { actorKind: actor.kind, actorId: null, organizationId };
}

async function append(tx: Kysely<Database>, fields: Omit<AuditFields, 'seq'>): Promise<void> {
	// One writer at a time extends the chain: a transaction-scoped advisory lock, released at commit.
	await sql`select pg_advisory_xact_lock(hashtext('anyvisit.audit_log'))`.execute(tx);
	const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirst();
	const seq = head ? Number(head.seq) + 1 : 1;
	const prevHash = head?.hash ?? GENESIS_HASH;
	const hash = entryHash({ ...fields, seq }, prevHash);
	await tx
		.insertInto('audit_log')
		.values({
			seq,
			occurred_at: fields.occurredAt,
			actor_kind: fields.actorKind,
			actor_id: fields.actorId,
			organization_id: fields.organizationId,
			action: fields.action,
			resource_type: fields.resourceType,
			resource_id: fields.resourceId,
			outcome: fields.outcome,
			ip: fields.ip,
			user_agent: fields.userAgent,
			purpose: fields.purpose,
			request_id: fields.requestId,
			details: fields.details,
			prev_hash: prevHash,
			hash
		})
		.execute();
	await tx
		.insertInto('audit_head')
		.values({ singleton: true, seq, hash })
		.onConflict((oc) => oc.column('singleton').doUpdateSet({ seq, hash }))
		.execute();
}

/** An auditor bound to one actor and one request. */
export function createAuditor(options: {
	db: Kysely<Database>;
	actor: Actor;
	origin: AuditOrigin;
	now: () => Date;
}): Auditor {
	return {
		async record(event, executor) {
			const fields: Omit<AuditFields, 'seq'> = {
				occurredAt: options.now(),
				...actorColumns(options.actor, event.organizationId ?? null),
				action: event.action,
				resourceType: event.resourceType,
				resourceId: event.resourceId ?? null,
				outcome: event.outcome ?? 'success',
				ip: options.origin.ip,
				userAgent: options.origin.userAgent?.slice(0, 512) ?? null,
				purpose: event.purpose ?? null,
				requestId: options.origin.requestId,
				details: JSON.stringify(event.details ?? {})
			};
			if (executor?.isTransaction) await append(executor, fields);
			else await (executor ?? options.db).transaction().execute((tx) => append(tx, fields));
		}
	};
}
