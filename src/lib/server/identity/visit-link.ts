import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { PhiCipher } from '../platform/crypto/phi';
import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import { readPatient } from '../patients/repository';
import { readAppointment, type Appointment } from '../scheduling/repository';
import { createSession, type Session } from './session';
import { PATIENT_SESSION } from './patient-sign-in';
import { SIGN_IN_LIMITS, isLimited, recordFailure, type Limit } from './rate-limit';

/** A link works from booking until a day after the visit ends (to read the summary), unless cancelled. */
const USABLE_AFTER_END_MS = 24 * 60 * 60_000;
const MAC_BYTES = 12;

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer) =>
	bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const macOf = (phi: PhiCipher, appointmentId: string) =>
	Buffer.from(phi.tag('visit-link', appointmentId), 'hex').subarray(0, MAC_BYTES);

/**
 * The visit's own link, sent in its messages: the appointment id and a 96-bit keyed tag of it
 * (base64url, 38 characters). It names no one and opens nothing by itself: the patient also gives
 * their date of birth (ARCHITECTURE.md, Security model).
 */
export function visitLink(baseUrl: string, phi: PhiCipher, appointmentId: string): string {
	const token = Buffer.concat([uuidBytes(appointmentId), macOf(phi, appointmentId)]).toString('base64url');
	return `${baseUrl}/v/${token}`;
}

/** The appointment a link names, when the link is one of ours (compared in constant time). */
export function appointmentOfLink(phi: PhiCipher, token: string): string | null {
	if (!/^[A-Za-z0-9_-]{38}$/.test(token)) return null;
	const bytes = Buffer.from(token, 'base64url');
	if (bytes.length !== 16 + MAC_BYTES) return null;
	const appointmentId = uuidOf(bytes.subarray(0, 16));
	return constantTimeEqual(bytes.subarray(16), macOf(phi, appointmentId)) ? appointmentId : null;
}

/** The visit a link opens, while it can be opened: 410 VISIT_LINK_INVALID otherwise. */
export async function visitOfLink(ctx: ServiceContext, token: string): Promise<Appointment> {
	const appointmentId = appointmentOfLink(ctx.phi, token);
	const appointment = appointmentId ? await readAppointment(ctx.db, appointmentId) : undefined;
	if (
		!appointment ||
		appointment.status === 'cancelled' ||
		appointment.end.getTime() + USABLE_AFTER_END_MS < ctx.clock.now().getTime()
	)
		throw new AppError('VISIT_LINK_INVALID');
	return appointment;
}

const linkLimit = (appointmentId: string): Limit => ({
	key: `visit-link:${appointmentId}`,
	max: 5,
	windowMs: 15 * 60_000
});

/**
 * Signs the patient in from their visit's link and their date of birth: a patient session, as a
 * one-time code gives. Five wrong dates in 15 minutes lock the link for the rest of them (and the
 * address's sign-in limit counts too); each attempt is audited. The same answer for any wrong date.
 */
export async function signInWithVisitLink(
	ctx: ServiceContext,
	input: { token: string; birthDate: string; ip: string | null }
): Promise<{ token: string; session: Session; appointmentId: string }> {
	const appointment = await visitOfLink(ctx, input.token);
	const appointmentId = appointment.id;
	const now = ctx.clock.now();
	const limits = [linkLimit(appointmentId), SIGN_IN_LIMITS.perAddress(input.ip ?? 'unknown')];
	if (await isLimited(ctx.db, limits, now)) throw new AppError('RATE_LIMITED');
	const patient = await readPatient(ctx.db, ctx.phi, appointment.patientId);
	if (!patient || patient.birthDate !== input.birthDate) {
		await recordFailure(ctx.db, limits, now);
		await ctx.audit.record({
			action: 'sign_in',
			resourceType: 'patient',
			resourceId: appointment.patientId,
			organizationId: appointment.organizationId,
			outcome: 'failure',
			details: { factor: 'visit_link' }
		});
		throw new AppError('BIRTH_DATE_MISMATCH');
	}
	return ctx.db.transaction().execute(async (tx) => {
		const created = await createSession(
			tx,
			{ kind: 'patient', id: patient.id, organizationId: patient.organizationId },
			{ now, ...PATIENT_SESSION }
		);
		await ctx.audit.record(
			{
				action: 'sign_in',
				resourceType: 'patient',
				resourceId: patient.id,
				organizationId: patient.organizationId,
				details: { factor: 'visit_link', appointmentId }
			},
			tx
		);
		return { ...created, appointmentId };
	});
}
