import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import { verifyAgainstDecoy, verifyPassword } from './password';
import { SIGN_IN_LIMITS, isLimited, recordFailure } from './rate-limit';
import { consumeRecoveryCode } from './recovery-codes';
import {
	consumeTotpStep,
	findStaffByEmail,
	readCredentials,
	type StaffAccount,
	type StaffCredentials
} from './repository';
import { STAFF_SESSION, createSession, type Session } from './session';
import { matchTotp } from './totp';

/** `otp` is the authenticator app's 6-digit code or, when the phone is lost, one recovery code. */
export type StaffSignIn = { email: string; password: string; otp: string };

type SecondFactor = 'totp' | 'recovery_code';

/** Checks and uses up the second factor: a TOTP step is accepted once, a recovery code once. */
async function useSecondFactor(
	ctx: ServiceContext,
	staffId: string,
	credentials: StaffCredentials & { totpKey: Uint8Array },
	otp: string,
	now: Date
): Promise<SecondFactor | null> {
	if (/^\d{6}$/.test(otp)) {
		const step = matchTotp(credentials.totpKey, otp, now, credentials.totpLastStep);
		return step !== null && (await consumeTotpStep(ctx.db, staffId, step)) ? 'totp' : null;
	}
	return (await consumeRecoveryCode(ctx.db, staffId, otp, now)) ? 'recovery_code' : null;
}

/**
 * Staff sign-in with password and a required TOTP code. Every failure gets the same AUTH_FAILED
 * (no account enumeration), is counted against the account and the client address, and is audited;
 * past the limit the answer is RATE_LIMITED before any credential is checked.
 */
export async function signInStaff(
	ctx: ServiceContext,
	input: StaffSignIn,
	client: { ip: string | null }
): Promise<{ token: string; session: Session; account: StaffAccount }> {
	const now = ctx.clock.now();
	const limits = [SIGN_IN_LIMITS.perAccount(input.email), SIGN_IN_LIMITS.perAddress(client.ip ?? 'unknown')];
	if (await isLimited(ctx.db, limits, now)) {
		await ctx.audit.record({
			action: 'sign_in',
			resourceType: 'staff',
			outcome: 'denied',
			details: { reason: 'rate_limited' }
		});
		throw new AppError('RATE_LIMITED');
	}

	const account = await findStaffByEmail(ctx.db, input.email);
	const credentials = account?.active ? await readCredentials(ctx.db, ctx.phi, account.id) : undefined;
	const passwordOk = credentials
		? await verifyPassword(credentials.passwordHash, input.password)
		: await verifyAgainstDecoy(input.password);
	// Invited staff who have not enrolled yet have no credentials, so they cannot get this far.
	const factor =
		account && passwordOk && credentials?.totpKey
			? await useSecondFactor(
					ctx,
					account.id,
					{ ...credentials, totpKey: credentials.totpKey },
					input.otp,
					now
				)
			: null;

	if (!account || !factor) {
		await recordFailure(ctx.db, limits, now);
		await ctx.audit.record({
			action: 'sign_in',
			resourceType: 'staff',
			resourceId: account?.id ?? null,
			organizationId: account?.organizationId ?? null,
			outcome: 'failure',
			details: { factor: passwordOk ? 'otp' : 'password' }
		});
		throw new AppError('AUTH_FAILED');
	}

	return ctx.db.transaction().execute(async (tx) => {
		const created = await createSession(
			tx,
			{ kind: 'staff', id: account.id, organizationId: account.organizationId },
			{ now, ...STAFF_SESSION }
		);
		await ctx.audit.record(
			{
				action: 'sign_in',
				resourceType: 'staff',
				resourceId: account.id,
				details: { session: created.session.id, factor }
			},
			tx
		);
		return { ...created, account };
	});
}
