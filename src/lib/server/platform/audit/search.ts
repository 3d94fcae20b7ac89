import type { ServiceContext } from '../context';
import { requirePermission } from '../../identity/policy';
import type { AuditOutcome } from '../schema';

export type AuditQuery = {
	action?: string | undefined;
	resourceType?: string | undefined;
	resourceId?: string | undefined;
	actorId?: string | undefined;
	outcome?: AuditOutcome | undefined;
	from?: string | undefined;
	to?: string | undefined;
	/** Entries older than this one (the next page). */
	before?: number | undefined;
	limit: number;
};

export type AuditEntryView = {
	seq: number;
	occurredAt: string;
	actorKind: string;
	actorId: string | null;
	action: string;
	resourceType: string;
	resourceId: string | null;
	outcome: AuditOutcome;
	ip: string | null;
	purpose: string | null;
};

/**
 * Searches the audit log, newest first. An admin sees their organization's entries; the development
 * operator sees all. Searching is itself recorded.
 */
export async function searchAudit(ctx: ServiceContext, query: AuditQuery): Promise<AuditEntryView[]> {
	const { actor } = ctx;
	if (actor.kind !== 'dev-operator') {
		await requirePermission(ctx, 'audit.search', { action: 'audit.search', resourceType: 'audit_log' });
	}
	let q = ctx.db.selectFrom('audit_log').selectAll();
	if (actor.kind === 'staff') q = q.where('organization_id', '=', actor.organizationId);
	if (query.action) q = q.where('action', '=', query.action);
	if (query.resourceType) q = q.where('resource_type', '=', query.resourceType);
	if (query.resourceId) q = q.where('resource_id', '=', query.resourceId);
	if (query.actorId) q = q.where('actor_id', '=', query.actorId);
	if (query.outcome) q = q.where('outcome', '=', query.outcome);
	if (query.from) q = q.where('occurred_at', '>=', new Date(`${query.from}T00:00:00Z`));
	if (query.to)
		q = q.where('occurred_at', '<', new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000));
	if (query.before) q = q.where('seq', '<', String(query.before));
	const rows = await q.orderBy('seq', 'desc').limit(query.limit).execute();
	await ctx.audit.record({
		action: 'audit.search',
		resourceType: 'audit_log',
		details: { results: rows.length }
	});
	return rows.map((r) => ({
		seq: Number(r.seq),
		occurredAt: r.occurred_at.toISOString(),
		actorKind: r.actor_kind,
		actorId: r.actor_id,
		action: r.action,
		resourceType: r.resource_type,
		resourceId: r.resource_id,
		outcome: r.outcome,
		ip: r.ip,
		purpose: r.purpose
	}));
}
