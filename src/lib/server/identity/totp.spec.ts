import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, test } from 'vitest';
import { matchTotp, totpCode, totpStep } from './totp';

const key = decodeBase32IgnorePadding('JBSWY3DPEHPK3PXP');
const now = new Date('2026-11-29T15:00:10Z');
const step = totpStep(now);

describe('TOTP (RFC 6238)', () => {
	test('the RFC 6238 reference vector (SHA-1, 8 digits shown as 6) matches', () => {
		// RFC 6238 appendix B: T = 59 s with key "12345678901234567890" gives 94287082; 6 digits: 287082.
		expect(totpCode(new TextEncoder().encode('12345678901234567890'), 1)).toBe('287082');
	});

	test.each([
		['the current step', 0],
		['one step behind (clock drift)', -1],
		['one step ahead', 1]
	])('accepts a code of %s', (_name, offset) => {
		expect(matchTotp(key, totpCode(key, step + offset), now, 0)).toBe(step + offset);
	});

	test.each([
		['two steps old', totpCode(key, step - 2), 0],
		['already used', totpCode(key, step), step],
		['older than the last used', totpCode(key, step - 1), step],
		['not six digits', '12345', 0],
		['not digits', 'abcdef', 0]
	])('refuses a code %s', (_name, code, lastUsed) => {
		expect(matchTotp(key, code, now, lastUsed)).toBeNull();
	});
});
