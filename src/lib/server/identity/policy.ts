import type { Actor, ServiceContext } from '../platform/context';
import { forbidden, notFound } from '../platform/errors';
import type { StaffRole } from '../platform/schema';

export type StaffActor = Extract<Actor, { kind: 'staff' }>;

/**
 * What each staff role may do. Services ask here, not routes: HIPAA 164.308(a)(4) (information access
 * management) and 164.502(b) (minimum necessary). A person holding several roles has their union.
 */
export const ROLE_PERMISSIONS = {
	'staff.manage': ['admin'],
	'audit.search': ['admin'],
	'outbox.manage': ['admin'],
	'patient.read': ['admin', 'clinician', 'nurse', 'scheduler', 'biller'],
	'appointment.read': ['admin', 'clinician', 'nurse', 'scheduler', 'biller'],
	'appointment.book': ['admin', 'clinician', 'nurse', 'scheduler'],
	'schedule.manage': ['admin', 'scheduler'],
	'licence.manage': ['admin'],
	// Insurance coverage and eligibility checks: registration and billing.
	'coverage.manage': ['admin', 'scheduler', 'biller'],
	// The clinic's settings (reminder times, when check-in opens).
	'organization.manage': ['admin'],
	// Deciding between AnyVisit and the EHR when both changed a visit: those who run the schedule.
	'ehr.reconcile': ['admin', 'scheduler'],
	// Searching the EHR's patients and linking one to an AnyVisit patient (registration).
	'ehr.link': ['admin', 'scheduler'],
	// The clinical chart from the EHR: those who treat (HIPAA minimum necessary, 164.502(b)).
	'chart.read': ['clinician', 'nurse'],
	// Running a visit: starting it, admitting guests, switching modality, recording, ending it.
	'visit.host': ['clinician', 'nurse'],
	// Writing and signing the visit note (those who treat; a nurse documents too).
	'note.write': ['clinician', 'nurse'],
	// Coding a visit (place of service, modifiers, billability): billing, and admins.
	'billing.evaluate': ['admin', 'biller']
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof ROLE_PERMISSIONS;

type Attempt = { action: string; resourceType: string; resourceId?: string | null };

export function holds(actor: Actor, permission: Permission): actor is StaffActor {
	if (actor.kind !== 'staff') return false;
	const allowed: readonly string[] = ROLE_PERMISSIONS[permission];
	return actor.roles.some((role) => allowed.includes(role));
}

/** The acting staff member when they hold `permission`; otherwise the refusal is audited and 403. */
export async function requirePermission(
	ctx: ServiceContext,
	permission: Permission,
	attempt: Attempt
): Promise<StaffActor> {
	if (holds(ctx.actor, permission)) return ctx.actor;
	await ctx.audit.record({ ...attempt, outcome: 'denied', details: { permission } });
	throw forbidden();
}

/**
 * A record outside the actor's reach (another patient's, another organization's) is answered exactly
 * like one that does not exist, so ids cannot be probed; the attempt is audited.
 */
export async function refuseAsNotFound(ctx: ServiceContext, attempt: Attempt): Promise<never> {
	await ctx.audit.record({ ...attempt, outcome: 'denied', details: { reason: 'out_of_scope' } });
	throw notFound();
}
