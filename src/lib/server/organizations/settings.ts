import { requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import { readOrganization, type Organization } from './repository';

export type OrganizationSettings = Pick<
	Organization,
	'name' | 'timeZone' | 'reminderOffsetsMinutes' | 'checkInOpensMinutes'
>;

const settingsOf = (o: Organization): OrganizationSettings => ({
	name: o.name,
	timeZone: o.timeZone,
	reminderOffsetsMinutes: o.reminderOffsetsMinutes,
	checkInOpensMinutes: o.checkInOpensMinutes
});

/** The clinic's settings, for any of its staff. */
export async function organizationSettings(ctx: ServiceContext): Promise<OrganizationSettings> {
	const staff = await requirePermission(ctx, 'appointment.read', {
		action: 'organization.read',
		resourceType: 'organization'
	});
	return settingsOf(await readOrganization(ctx.db, staff.organizationId));
}

/**
 * Changes how the clinic runs its visits: when reminders go out and how early check-in opens.
 * Admins only; the change is audited with the values before and after. Input is validated by the
 * caller's schema; the database's checks hold the same bounds.
 */
export async function updateOrganizationSettings(
	ctx: ServiceContext,
	change: { reminderOffsetsMinutes?: number[] | undefined; checkInOpensMinutes?: number | undefined }
): Promise<OrganizationSettings> {
	const attempt = { action: 'organization.update', resourceType: 'organization' };
	const staff = await requirePermission(ctx, 'organization.manage', attempt);
	const before = await readOrganization(ctx.db, staff.organizationId);
	await ctx.db.transaction().execute(async (tx) => {
		await tx
			.updateTable('organizations')
			.set({
				...(change.reminderOffsetsMinutes
					? { reminder_offsets_minutes: [...new Set(change.reminderOffsetsMinutes)].sort((a, b) => b - a) }
					: {}),
				...(change.checkInOpensMinutes ? { check_in_opens_minutes: change.checkInOpensMinutes } : {})
			})
			.where('id', '=', staff.organizationId)
			.execute();
		await ctx.audit.record(
			{
				...attempt,
				resourceId: staff.organizationId,
				details: {
					checkInOpensMinutesBefore: before.checkInOpensMinutes,
					reminderOffsetsMinutesBefore: before.reminderOffsetsMinutes.join(','),
					...(change.checkInOpensMinutes ? { checkInOpensMinutes: change.checkInOpensMinutes } : {}),
					...(change.reminderOffsetsMinutes
						? { reminderOffsetsMinutes: change.reminderOffsetsMinutes.join(',') }
						: {})
				}
			},
			tx
		);
	});
	return settingsOf(await readOrganization(ctx.db, staff.organizationId));
}
