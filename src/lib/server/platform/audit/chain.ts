import { createHash } from 'node:crypto';

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What one audit entry records (HIPAA 164.312(b)); never PHI itself, only which record. */
export type AuditFields = {
	seq: number;
	occurredAt: Date;
	actorKind: string;
	actorId: string | null;
	organizationId: string | null;
	action: string;
	resourceType: string;
	resourceId: string | null;
	outcome: 'success' | 'failure' | 'denied';
	ip: string | null;
	userAgent: string | null;
	purpose: string | null;
	requestId: string | null;
	details: string;
};

/**
 * SHA-256 over the previous hash and every field in a fixed order, so that changing any field of any
 * entry, or the order of entries, breaks every hash after it.
 */
export function entryHash(fields: AuditFields, prevHash: string): string {
	const canonical = JSON.stringify([
		fields.seq,
		fields.occurredAt.toISOString(),
		fields.actorKind,
		fields.actorId,
		fields.organizationId,
		fields.action,
		fields.resourceType,
		fields.resourceId,
		fields.outcome,
		fields.ip,
		fields.userAgent,
		fields.purpose,
		fields.requestId,
		fields.details,
		prevHash
	]);
	return createHash('sha256').update(canonical).digest('hex');
}
