import { randomInt, randomUUID } from 'node:crypto';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import {
	findPatientIdsByEmail,
	findPatientIdsByPhone,
	readPatient,
	type Patient
} from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import { sha256Hex } from '../platform/crypto/hash';
import { normalizeEmail, normalizePhone } from '../platform/crypto/phi';
import { AppError } from '../platform/errors';
import { tFor } from '../platform/i18n';
import { enqueue } from '../platform/outbox/outbox';
import { isLimited, recordFailure, type Limit } from './rate-limit';
import { createSession, type Session } from './session';

export const CODE_TTL_MS = 10 * 60_000;
const MAX_CODE_ATTEMPTS = 5;
// Patients are not at a shared workstation the way staff are: a longer idle window, the same cap.
export const PATIENT_SESSION = { absoluteMs: 12 * 60 * 60_000, idleMs: 30 * 60_000 };

type Contact = { kind: 'email'; value: string } | { kind: 'phone'; value: string };

/** Reads what a patient typed as a phone number (US numbers may omit +1) or an email address. */
export function parseContact(input: string): Contact | null {
	const text = input.trim();
	if (text.includes('@'))
		return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? { kind: 'email', value: normalizeEmail(text) } : null;
	const digits = text.replace(/[\s().-]/g, '');
	if (/^\d{10}$/.test(digits)) return { kind: 'phone', value: `+1${digits}` };
	if (/^\+?1?\d{10,14}$/.test(digits)) return { kind: 'phone', value: normalizePhone(digits) };
	return null;
}

const hashCode = (challengeId: string, code: string) => sha256Hex(`${challengeId}:${code}`);

/** The message that carries the code, on the channel that reaches this patient, in their language. */
function codeMessage(patient: Patient, contact: Contact, code: string) {
	const t = tFor(patient.preferredLanguage);
	const language = patient.preferredLanguage;
	if (contact.kind === 'email') {
		return {
			channel: 'email' as const,
			payload: {
				to: contact.value,
				subject: t('messages:otp.email.subject'),
				text: t('messages:otp.email.body', { code }),
				language
			}
		};
	}
	// A landline cannot receive a text: the code is read out by a call, digit by digit.
	if (patient.phoneKind === 'landline') {
		return {
			channel: 'voice' as const,
			payload: {
				to: contact.value,
				say: t('messages:otp.voice', { code: code.split('').join(' ') }),
				language
			}
		};
	}
	return {
		channel: 'sms' as const,
		payload: { to: contact.value, body: t('messages:otp.sms', { code }), language }
	};
}

/**
 * Starts a patient sign-in: when exactly one patient has this phone or email, a 6-digit code goes out
 * through the outbox (SMS, a voice call for a landline, or email). The answer is the same challenge id
 * whether or not anyone matched, so the page reveals nothing about who is a patient.
 */
export async function requestPatientCode(
	ctx: ServiceContext,
	input: { contact: string },
	client: { ip: string | null }
): Promise<{ challengeId: string }> {
	const contact = parseContact(input.contact);
	if (!contact) throw new AppError('VALIDATION', {}, [{ field: 'contact', key: 'errors:field.recipient' }]);
	const now = ctx.clock.now();
	const index =
		contact.kind === 'email' ? ctx.phi.emailIndex(contact.value) : ctx.phi.phoneIndex(contact.value);
	const limits: Limit[] = [
		{ key: `otp:contact:${index}`, max: 5, windowMs: 15 * 60_000 },
		{ key: `otp:ip:${client.ip ?? 'unknown'}`, max: 20, windowMs: 15 * 60_000 }
	];
	if (await isLimited(ctx.db, limits, now)) throw new AppError('RATE_LIMITED');
	await recordFailure(ctx.db, limits, now);

	const ids =
		contact.kind === 'email'
			? await findPatientIdsByEmail(ctx.db, ctx.phi, null, contact.value)
			: await findPatientIdsByPhone(ctx.db, ctx.phi, null, contact.value);
	const patient = ids.length === 1 ? await readPatient(ctx.db, ctx.phi, ids[0]!) : undefined;
	const challengeId = randomUUID();
	const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
	await ctx.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('sign_in_challenges')
			.values({
				id: challengeId,
				patient_id: patient?.id ?? null,
				code_hash: hashCode(challengeId, code),
				expires_at: new Date(now.getTime() + CODE_TTL_MS),
				created_at: now
			})
			.execute();
		if (!patient) return;
		const message = codeMessage(patient, contact, code);
		await enqueue(
			tx,
			ctx.phi,
			{ ...message, idempotencyKey: `otp:${challengeId}`, organizationId: patient.organizationId },
			{ now, maxAttempts: 3 }
		);
		await ctx.audit.record(
			{
				action: 'otp.request',
				resourceType: 'patient',
				resourceId: patient.id,
				details: { channel: message.channel }
			},
			tx
		);
	});
	return { challengeId };
}

/** Finishes a patient sign-in with the code: single use, 10 minutes, at most five tries. */
export async function verifyPatientCode(
	ctx: ServiceContext,
	input: { challengeId: string; code: string }
): Promise<{ token: string; session: Session; patientId: string }> {
	const now = ctx.clock.now();
	const challenge = await ctx.db
		.selectFrom('sign_in_challenges')
		.selectAll()
		.where('id', '=', input.challengeId)
		.executeTakeFirst();
	const usable =
		challenge &&
		challenge.patient_id &&
		!challenge.used_at &&
		challenge.expires_at > now &&
		challenge.attempts < MAX_CODE_ATTEMPTS;
	const matches =
		usable &&
		/^\d{6}$/.test(input.code) &&
		constantTimeEqual(
			new TextEncoder().encode(hashCode(challenge.id, input.code)),
			new TextEncoder().encode(challenge.code_hash)
		);
	if (!challenge || !matches || !challenge.patient_id) {
		if (challenge) {
			await ctx.db
				.updateTable('sign_in_challenges')
				.set({ attempts: challenge.attempts + 1 })
				.where('id', '=', challenge.id)
				.execute();
		}
		await ctx.audit.record({
			action: 'sign_in',
			resourceType: 'patient',
			resourceId: challenge?.patient_id ?? null,
			outcome: 'failure',
			details: { factor: 'otp' }
		});
		throw new AppError('OTP_INVALID');
	}
	const patientId = challenge.patient_id;
	return ctx.db.transaction().execute(async (tx) => {
		// Single use, also under two concurrent submissions of the same code.
		const claimed = await tx
			.updateTable('sign_in_challenges')
			.set({ used_at: now })
			.where('id', '=', challenge.id)
			.where('used_at', 'is', null)
			.executeTakeFirst();
		if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('OTP_INVALID');
		const patient = await tx
			.selectFrom('patients')
			.select('organization_id')
			.where('id', '=', patientId)
			.executeTakeFirstOrThrow();
		const created = await createSession(
			tx,
			{ kind: 'patient', id: patientId, organizationId: patient.organization_id },
			{ now, ...PATIENT_SESSION }
		);
		await ctx.audit.record(
			{ action: 'sign_in', resourceType: 'patient', resourceId: patientId, details: { factor: 'otp' } },
			tx
		);
		return { ...created, patientId };
	});
}
