import type { ServiceContext } from '../platform/context';
import { AppError, validationFailed, type FieldIssue } from '../platform/errors';
import { STAFF_ROLES, type StaffRole } from '../platform/schema';
import { readOrganization } from '../organizations/repository';
import { inviteToEnrol, revokePendingInvitations } from './enrolment';
import { refuseAsNotFound, requirePermission, type StaffActor } from './policy';
import { invalidateSubjectSessions } from './session';

/** Where a team member's sign-in stands. */
export type MemberStatus = 'active' | 'invited' | 'deactivated';

export type TeamMember = {
	id: string;
	email: string;
	displayName: string;
	roles: StaffRole[];
	preferredLanguage: string;
	status: MemberStatus;
	enrolledAt: string | null;
	invitationExpiresAt: string | null;
};

export type InviteStaff = {
	email: string;
	displayName: string;
	roles: StaffRole[];
	preferredLanguage: string;
};

/** The organization's staff, for its admins: who is active, who has yet to enrol, who is deactivated. */
export async function listTeam(ctx: ServiceContext): Promise<TeamMember[]> {
	const admin = await requirePermission(ctx, 'staff.manage', { action: 'staff.list', resourceType: 'staff' });
	const now = ctx.clock.now();
	const rows = await ctx.db
		.selectFrom('staff as s')
		.leftJoin('staff_credentials as c', 'c.staff_id', 's.id')
		.select((eb) => [
			's.id',
			's.email',
			's.display_name',
			's.roles',
			's.preferred_language',
			's.active',
			'c.totp_enrolled_at',
			eb
				.selectFrom('staff_invitations as i')
				.select((e) => e.fn.max('i.expires_at').as('expires'))
				.whereRef('i.staff_id', '=', 's.id')
				.where('i.accepted_at', 'is', null)
				.where('i.revoked_at', 'is', null)
				.where('i.expires_at', '>', now)
				.as('invitation_expires_at')
		])
		.where('s.organization_id', '=', admin.organizationId)
		.orderBy('s.display_name')
		.execute();
	return rows.map((row) => ({
		id: row.id,
		email: row.email,
		displayName: row.display_name,
		roles: row.roles,
		preferredLanguage: row.preferred_language,
		status: !row.active ? 'deactivated' : row.totp_enrolled_at ? 'active' : 'invited',
		enrolledAt: row.totp_enrolled_at?.toISOString() ?? null,
		invitationExpiresAt: row.invitation_expires_at ? new Date(row.invitation_expires_at).toISOString() : null
	}));
}

function checkInvite(input: InviteStaff): void {
	const problems: FieldIssue[] = [];
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
		problems.push({ field: 'email', key: 'errors:field.email' });
	if (input.roles.length === 0 || input.roles.some((r) => !STAFF_ROLES.includes(r)))
		problems.push({ field: 'roles', key: 'errors:field.roles' });
	if (problems.length > 0) throw validationFailed(problems);
}

/**
 * Adds a staff member to the admin's organization and emails them an invitation to set a password
 * and enrol an authenticator app. They cannot sign in until they have.
 */
export async function inviteStaff(
	ctx: ServiceContext,
	input: InviteStaff,
	links: { baseUrl: string }
): Promise<{ staffId: string }> {
	const admin = await requirePermission(ctx, 'staff.manage', {
		action: 'staff.invite',
		resourceType: 'staff'
	});
	checkInvite(input);
	const now = ctx.clock.now();
	const email = input.email.trim().toLowerCase();
	return ctx.db.transaction().execute(async (tx) => {
		const taken = await tx
			.selectFrom('staff')
			.select('id')
			.where((eb) => eb(eb.fn('lower', ['email']), '=', email))
			.executeTakeFirst();
		// Staff email addresses are unique across organizations (sign-in is by email alone).
		if (taken) throw new AppError('CONFLICT', {}, [{ field: 'email', key: 'errors:field.email_taken' }]);
		const organization = await readOrganization(tx, admin.organizationId);
		const { id: staffId } = await tx
			.insertInto('staff')
			.values({
				organization_id: admin.organizationId,
				email,
				display_name: input.displayName,
				roles: input.roles,
				preferred_language: input.preferredLanguage,
				time_zone: organization.timeZone
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await inviteToEnrol(tx, ctx.phi, {
			staff: {
				id: staffId,
				email,
				displayName: input.displayName,
				preferredLanguage: input.preferredLanguage,
				organizationId: admin.organizationId
			},
			invitedBy: admin.id,
			baseUrl: links.baseUrl,
			now
		});
		await ctx.audit.record(
			{
				action: 'staff.invite',
				resourceType: 'staff',
				resourceId: staffId,
				details: { roles: input.roles.join(',') }
			},
			tx
		);
		return { staffId };
	});
}

/** A member of the admin's own organization; anyone else is answered as not found (no probing). */
async function memberOf(ctx: ServiceContext, admin: StaffActor, staffId: string, action: string) {
	const member = await ctx.db
		.selectFrom('staff')
		.select(['id', 'email', 'display_name', 'preferred_language', 'organization_id', 'active'])
		.where('id', '=', staffId)
		.where('organization_id', '=', admin.organizationId)
		.executeTakeFirst();
	return member ?? refuseAsNotFound(ctx, { action, resourceType: 'staff', resourceId: staffId });
}

/**
 * Deactivates a staff member: they can no longer sign in, every session of theirs ends at once and an
 * unused invitation stops working. Their history (audit, notes) stays. An admin cannot deactivate
 * themself, so an organization never locks out its last admin by accident.
 */
export async function deactivateStaff(
	ctx: ServiceContext,
	staffId: string
): Promise<{ sessionsEnded: number }> {
	const action = 'staff.deactivate';
	const admin = await requirePermission(ctx, 'staff.manage', {
		action,
		resourceType: 'staff',
		resourceId: staffId
	});
	await memberOf(ctx, admin, staffId, action);
	if (staffId === admin.id) throw new AppError('SELF_DEACTIVATION');
	const now = ctx.clock.now();
	return ctx.db.transaction().execute(async (tx) => {
		await tx.updateTable('staff').set({ active: false }).where('id', '=', staffId).execute();
		await revokePendingInvitations(tx, staffId, now);
		const sessionsEnded = await invalidateSubjectSessions(tx, { kind: 'staff', id: staffId });
		await ctx.audit.record(
			{ action, resourceType: 'staff', resourceId: staffId, details: { sessionsEnded } },
			tx
		);
		return { sessionsEnded };
	});
}

/**
 * Lets a deactivated staff member back in, or resets the sign-in of one who lost their phone and
 * recovery codes: their password, authenticator and recovery codes are cleared, their sessions end,
 * and a new invitation is emailed.
 */
export async function reinviteStaff(
	ctx: ServiceContext,
	staffId: string,
	links: { baseUrl: string }
): Promise<void> {
	const action = 'staff.reinvite';
	const admin = await requirePermission(ctx, 'staff.manage', {
		action,
		resourceType: 'staff',
		resourceId: staffId
	});
	const member = await memberOf(ctx, admin, staffId, action);
	if (staffId === admin.id) throw new AppError('SELF_DEACTIVATION');
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		await tx.updateTable('staff').set({ active: true }).where('id', '=', staffId).execute();
		await tx.deleteFrom('staff_credentials').where('staff_id', '=', staffId).execute();
		await tx.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
		await invalidateSubjectSessions(tx, { kind: 'staff', id: staffId });
		await inviteToEnrol(tx, ctx.phi, {
			staff: {
				id: staffId,
				email: member.email,
				displayName: member.display_name,
				preferredLanguage: member.preferred_language,
				organizationId: member.organization_id
			},
			invitedBy: admin.id,
			baseUrl: links.baseUrl,
			now
		});
		await ctx.audit.record(
			{ action, resourceType: 'staff', resourceId: staffId, details: { wasActive: member.active } },
			tx
		);
	});
}
