import type { ServiceContext } from '../platform/context';
import { AppError, validationFailed } from '../platform/errors';
import { countUnusedRecoveryCodes, replaceRecoveryCodes } from './recovery-codes';
import { consumeTotpStep, readCredentials } from './repository';
import { invalidateSubjectSessions } from './session';
import { matchTotp } from './totp';

function signedInStaff(ctx: ServiceContext) {
	if (ctx.actor.kind !== 'staff') throw new AppError('UNAUTHORIZED');
	return ctx.actor;
}

export type AccountSummary = { recoveryCodesLeft: number; sessions: number };

/** What a staff member sees of their own sign-in: recovery codes left and sessions open. */
export async function accountSummary(ctx: ServiceContext): Promise<AccountSummary> {
	const staff = signedInStaff(ctx);
	const sessions = await ctx.db
		.selectFrom('sessions')
		.select(ctx.db.fn.countAll<string>().as('n'))
		.where('staff_id', '=', staff.id)
		.executeTakeFirstOrThrow();
	return {
		recoveryCodesLeft: await countUnusedRecoveryCodes(ctx.db, staff.id),
		sessions: Number(sessions.n)
	};
}

/**
 * Replaces a staff member's recovery codes, the old ones stop working. A current code from their
 * authenticator app is asked first, so an unattended signed-in screen is not enough.
 */
export async function regenerateRecoveryCodes(
	ctx: ServiceContext,
	input: { otp: string }
): Promise<string[]> {
	const staff = signedInStaff(ctx);
	const now = ctx.clock.now();
	const credentials = await readCredentials(ctx.db, ctx.phi, staff.id);
	const step = credentials?.totpKey
		? matchTotp(credentials.totpKey, input.otp, now, credentials.totpLastStep)
		: null;
	if (step === null || !(await consumeTotpStep(ctx.db, staff.id, step))) {
		await ctx.audit.record({
			action: 'staff.recovery_codes',
			resourceType: 'staff',
			resourceId: staff.id,
			outcome: 'failure'
		});
		throw validationFailed([{ field: 'otp', key: 'errors:field.totp_mismatch' }]);
	}
	return ctx.db.transaction().execute(async (tx) => {
		const codes = await replaceRecoveryCodes(tx, staff.id, now);
		await ctx.audit.record(
			{ action: 'staff.recovery_codes', resourceType: 'staff', resourceId: staff.id },
			tx
		);
		return codes;
	});
}

/** Ends every session of the signed-in person, on every device, this one included. */
export async function signOutEverywhere(ctx: ServiceContext): Promise<{ sessionsEnded: number }> {
	const { actor } = ctx;
	if (actor.kind !== 'staff' && actor.kind !== 'patient') throw new AppError('UNAUTHORIZED');
	return ctx.db.transaction().execute(async (tx) => {
		const sessionsEnded = await invalidateSubjectSessions(tx, { kind: actor.kind, id: actor.id });
		await ctx.audit.record(
			{
				action: 'sign_out.everywhere',
				resourceType: actor.kind,
				resourceId: actor.id,
				details: { sessionsEnded }
			},
			tx
		);
		return { sessionsEnded };
	});
}
