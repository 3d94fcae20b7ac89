import type { Kysely } from 'kysely';
import type { Database } from '../platform/schema';
import { findStaffById, type StaffAccount } from './repository';
import { invalidateSession, validateSessionToken, type Session } from './session';

export type Authenticated = { session: Session; staff: StaffAccount };

/** The signed-in staff member a session token names, or null (a deactivated account ends its sessions). */
export async function authenticateStaff(
	db: Kysely<Database>,
	token: string,
	now: Date
): Promise<Authenticated | null> {
	const session = await validateSessionToken(db, token, now);
	if (!session?.staffId) return null;
	const staff = await findStaffById(db, session.staffId);
	if (!staff?.active || staff.organizationId !== session.organizationId) {
		await invalidateSession(db, session.id);
		return null;
	}
	return { session, staff };
}
