import { generateHOTP } from '@oslojs/otp';
import { constantTimeEqual } from '@oslojs/crypto/subtle';

// RFC 6238: 30-second steps, 6 digits; one step either side tolerates clock drift (section 5.2).
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
const DRIFT_STEPS = 1;

export function totpStep(now: Date): number {
	return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCode(key: Uint8Array, step: number): string {
	return generateHOTP(key, BigInt(step), DIGITS);
}

/**
 * The time step a code belongs to, or null. Steps at or before `lastUsedStep` are refused, so each
 * code (and every earlier one) is accepted once.
 */
export function matchTotp(key: Uint8Array, code: string, now: Date, lastUsedStep: number): number | null {
	if (!/^\d{6}$/.test(code)) return null;
	const current = totpStep(now);
	const given = new TextEncoder().encode(code);
	for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
		if (step <= lastUsedStep) continue;
		if (constantTimeEqual(new TextEncoder().encode(totpCode(key, step)), given)) return step;
	}
	return null;
}
