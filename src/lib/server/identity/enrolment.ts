import { encodeBase32NoPadding, encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ServiceContext } from '../platform/context';
import { sha256Hex } from '../platform/crypto/hash';
import type { PhiCipher } from '../platform/crypto/phi';
import { AppError, validationFailed } from '../platform/errors';
import { tFor } from '../platform/i18n';
import { enqueue } from '../platform/outbox/outbox';
import type { Database } from '../platform/schema';
import { readOrganization } from '../organizations/repository';
import { hashPassword } from './password';
import { replaceRecoveryCodes } from './recovery-codes';
import { consumeTotpStep, writeCredentials } from './repository';
import { invalidateSubjectSessions } from './session';
import { matchTotp, TOTP_PERIOD_SECONDS } from './totp';

type Executor = Kysely<Database>;

/** An invitation link works for three days, once. */
export const INVITATION_TTL_MS = 72 * 60 * 60_000;
// OWASP ASVS 2.1.1: at least 12 characters; 2.1.2: at least 64 allowed (the form allows 1024 bytes).
export const PASSWORD_MIN_LENGTH = 12;
const TOTP_ISSUER = 'AnyVisit';

const hashToken = sha256Hex;

/** Unused invitation links of a staff member stop working (a new link, or a deactivation). */
export async function revokePendingInvitations(tx: Executor, staffId: string, now: Date): Promise<void> {
	await tx
		.updateTable('staff_invitations')
		.set({ revoked_at: now })
		.where('staff_id', '=', staffId)
		.where('accepted_at', 'is', null)
		.where('revoked_at', 'is', null)
		.execute();
}

export type Invitee = {
	id: string;
	email: string;
	displayName: string;
	preferredLanguage: string;
	organizationId: string;
};

/**
 * Invites a staff member to set up their sign-in: a new invitation (earlier unused links stop
 * working) and its email, in the invitee's language, queued in the caller's transaction. Only a hash
 * of the link token is stored; the TOTP key they will enrol is made now and sealed, so the QR code
 * shown stays the same while they look at it.
 */
export async function inviteToEnrol(
	tx: Executor,
	phi: PhiCipher,
	input: { staff: Invitee; invitedBy: string | null; baseUrl: string; now: Date }
): Promise<void> {
	const { staff, now } = input;
	const id = randomUUID();
	const token = encodeBase32LowerCaseNoPadding(randomBytes(20));
	const key = await phi.newDataKey(tx);
	// RFC 4226 section 4: a shared secret of at least 128 bits (160 recommended).
	const totpKey = Buffer.from(randomBytes(20)).toString('base64');
	await revokePendingInvitations(tx, staff.id, now);
	await tx
		.insertInto('staff_invitations')
		.values({
			id,
			staff_id: staff.id,
			token_hash: hashToken(token),
			data_key_id: key.id,
			totp_key_enc: phi.seal(key, 'staff_invitations.totp_key', id, totpKey),
			invited_by: input.invitedBy,
			created_at: now,
			expires_at: new Date(now.getTime() + INVITATION_TTL_MS)
		})
		.execute();

	const organization = await readOrganization(tx, staff.organizationId);
	const t = tFor(staff.preferredLanguage);
	const link = new URL(`/staff/invite/${token}`, input.baseUrl).toString();
	const params = { name: staff.displayName, clinic: organization.name, link };
	await enqueue(
		tx,
		phi,
		{
			channel: 'email',
			payload: {
				to: staff.email,
				subject: t('messages:invite.email.subject', params),
				text: t('messages:invite.email.body', params),
				language: staff.preferredLanguage
			},
			idempotencyKey: `invite:${id}`,
			organizationId: staff.organizationId
		},
		{ now, maxAttempts: 5 }
	);
}

type OpenInvitation = {
	invitationId: string;
	staffId: string;
	organizationId: string;
	email: string;
	displayName: string;
	totpKey: Uint8Array;
};

async function findOpenInvitation(ctx: ServiceContext, token: string): Promise<OpenInvitation> {
	const now = ctx.clock.now();
	const row =
		/^[a-z2-7]{32}$/.test(token) &&
		(await ctx.db
			.selectFrom('staff_invitations as i')
			.innerJoin('staff as s', 's.id', 'i.staff_id')
			.select([
				'i.id',
				'i.staff_id',
				'i.data_key_id',
				'i.totp_key_enc',
				's.organization_id',
				's.email',
				's.display_name'
			])
			.where('i.token_hash', '=', hashToken(token))
			.where('i.accepted_at', 'is', null)
			.where('i.revoked_at', 'is', null)
			.where('i.expires_at', '>', now)
			.where('s.active', '=', true)
			.executeTakeFirst());
	if (!row) throw new AppError('LINK_EXPIRED');
	const key = await ctx.phi.dataKey(ctx.db, row.data_key_id);
	const totpKey = Buffer.from(
		ctx.phi.open(key, 'staff_invitations.totp_key', row.id, row.totp_key_enc),
		'base64'
	);
	return {
		invitationId: row.id,
		staffId: row.staff_id,
		organizationId: row.organization_id,
		email: row.email,
		displayName: row.display_name,
		totpKey
	};
}

/** What the enrolment page shows: who is enrolling and the key to add to an authenticator app. */
export type EnrolmentView = {
	email: string;
	displayName: string;
	/** The key in base32, in groups of four, for typing into the app by hand. */
	secret: string;
	/** The otpauth:// URI the QR code carries (Google Authenticator's Key Uri Format). */
	otpauthUri: string;
};

export async function viewInvitation(ctx: ServiceContext, token: string): Promise<EnrolmentView> {
	const invitation = await findOpenInvitation(ctx, token);
	const secret = encodeBase32NoPadding(invitation.totpKey);
	const label = encodeURIComponent(`${TOTP_ISSUER}:${invitation.email}`);
	const query = new URLSearchParams({
		secret,
		issuer: TOTP_ISSUER,
		algorithm: 'SHA1',
		digits: '6',
		period: String(TOTP_PERIOD_SECONDS)
	});
	return {
		email: invitation.email,
		displayName: invitation.displayName,
		secret: secret.match(/.{1,4}/g)!.join(' '),
		otpauthUri: `otpauth://totp/${label}?${query.toString()}`
	};
}

export type AcceptInvitation = { token: string; password: string; otp: string };

/**
 * Finishes enrolment: sets the password, enrols the TOTP key once a code from the app proves it was
 * added, and returns a fresh set of single-use recovery codes (shown once). The code used here is
 * spent, so it cannot also sign in. Any earlier sessions of this person end.
 */
export async function acceptInvitation(
	ctx: ServiceContext,
	input: AcceptInvitation
): Promise<{ staffId: string; recoveryCodes: string[] }> {
	const now = ctx.clock.now();
	const invitation = await findOpenInvitation(ctx, input.token);
	const problems = [];
	if ([...input.password].length < PASSWORD_MIN_LENGTH)
		problems.push({
			field: 'password',
			key: 'errors:field.password_short',
			params: { min: PASSWORD_MIN_LENGTH }
		});
	else if (input.password.trim().toLowerCase() === invitation.email.toLowerCase())
		problems.push({ field: 'password', key: 'errors:field.password_email' });
	const step = matchTotp(invitation.totpKey, input.otp, now, 0);
	if (step === null) problems.push({ field: 'otp', key: 'errors:field.totp_mismatch' });
	if (problems.length > 0) {
		await ctx.audit.record({
			action: 'staff.enrol',
			resourceType: 'staff',
			resourceId: invitation.staffId,
			organizationId: invitation.organizationId,
			outcome: 'failure',
			details: { fields: problems.map((p) => p.field).join(',') }
		});
		throw validationFailed(problems);
	}
	const passwordHash = await hashPassword(input.password);

	return ctx.db.transaction().execute(async (tx) => {
		const claimed = await tx
			.updateTable('staff_invitations')
			.set({ accepted_at: now })
			.where('id', '=', invitation.invitationId)
			.where('accepted_at', 'is', null)
			.where('revoked_at', 'is', null)
			.executeTakeFirst();
		// Two tabs submitting at once: only the first enrols.
		if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('LINK_EXPIRED');
		await writeCredentials(tx, ctx.phi, invitation.staffId, {
			passwordHash,
			totpKey: invitation.totpKey,
			now
		});
		await consumeTotpStep(tx, invitation.staffId, step!);
		const recoveryCodes = await replaceRecoveryCodes(tx, invitation.staffId, now);
		await invalidateSubjectSessions(tx, { kind: 'staff', id: invitation.staffId });
		await ctx.audit.record(
			{
				action: 'staff.enrol',
				resourceType: 'staff',
				resourceId: invitation.staffId,
				organizationId: invitation.organizationId,
				details: { invitation: invitation.invitationId }
			},
			tx
		);
		return { staffId: invitation.staffId, recoveryCodes };
	});
}
