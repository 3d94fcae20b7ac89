import { refuseAsNotFound, requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import type { StaffRole } from '../platform/schema';
import { readPatient, type Patient } from './repository';

/**
 * HIPAA 164.506: a disclosure is for treatment, payment or health care operations; the audit entry
 * names which, from the reader's role (a clinician reads for treatment, a biller for payment).
 */
const PURPOSE_BY_ROLE: [StaffRole, string][] = [
	['clinician', 'treatment'],
	['nurse', 'treatment'],
	['biller', 'payment'],
	['scheduler', 'operations'],
	['admin', 'operations']
];

/**
 * One patient's record. A patient reaches only their own; staff only their organization's, and only
 * with a role that reads patients. Anything else is answered as not found, so ids cannot be probed.
 * Every read is audited with its purpose.
 */
export async function getPatient(ctx: ServiceContext, patientId: string): Promise<Patient> {
	const attempt = { action: 'patient.read', resourceType: 'patient', resourceId: patientId };
	const { actor } = ctx;
	let scope: { organizationId: string; purpose: string };
	if (actor.kind === 'patient') {
		if (actor.id !== patientId) return refuseAsNotFound(ctx, attempt);
		scope = { organizationId: actor.organizationId, purpose: 'patient_access' };
	} else {
		const staff = await requirePermission(ctx, 'patient.read', attempt);
		const purpose = PURPOSE_BY_ROLE.find(([role]) => staff.roles.includes(role))?.[1] ?? 'operations';
		scope = { organizationId: staff.organizationId, purpose };
	}
	const patient = await readPatient(ctx.db, ctx.phi, patientId);
	if (!patient || patient.organizationId !== scope.organizationId) return refuseAsNotFound(ctx, attempt);
	await ctx.audit.record({ ...attempt, purpose: scope.purpose });
	return patient;
}
