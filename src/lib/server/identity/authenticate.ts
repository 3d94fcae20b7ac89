import type { Kysely } from 'kysely';
import { readPatient } from '../patients/repository';
import type { PhiCipher } from '../platform/crypto/phi';
import type { Database } from '../platform/schema';
import { findStaffById, type StaffAccount } from './repository';
import { invalidateSession, validateSessionToken, type Session } from './session';

export type Authenticated =
	| { kind: 'staff'; session: Session; staff: StaffAccount }
	| {
			kind: 'patient';
			session: Session;
			patient: {
				id: string;
				organizationId: string;
				givenName: string;
				preferredLanguage: string;
				timeZone: string;
				homeState: string;
			};
	  };

/**
 * Who a session token names, or null. A deactivated staff account, or one moved to another
 * organization, ends its sessions.
 */
export async function authenticate(
	db: Kysely<Database>,
	phi: PhiCipher,
	token: string,
	now: Date
): Promise<Authenticated | null> {
	const session = await validateSessionToken(db, token, now);
	if (!session) return null;
	if (session.staffId) {
		const staff = await findStaffById(db, session.staffId);
		if (staff?.active && staff.organizationId === session.organizationId)
			return { kind: 'staff', session, staff };
	} else if (session.patientId) {
		const patient = await readPatient(db, phi, session.patientId);
		if (patient && patient.organizationId === session.organizationId) {
			const { id, organizationId, givenName, preferredLanguage, timeZone, homeState } = patient;
			return {
				kind: 'patient',
				session,
				patient: { id, organizationId, givenName, preferredLanguage, timeZone, homeState }
			};
		}
	}
	await invalidateSession(db, session.id);
	return null;
}

/** The signed-in staff member a token names, or null (patients' sessions do not count). */
export async function authenticateStaff(
	db: Kysely<Database>,
	phi: PhiCipher,
	token: string,
	now: Date
): Promise<Extract<Authenticated, { kind: 'staff' }> | null> {
	const auth = await authenticate(db, phi, token, now);
	return auth?.kind === 'staff' ? auth : null;
}
