import { describe, expect, test } from 'vitest';
import { backoffDelay } from './backoff';

describe('retry backoff', () => {
	test.each([
		[1, 5_000],
		[2, 10_000],
		[3, 20_000],
		[6, 160_000],
		[20, 3_600_000]
	])('attempt %i waits %i ms without jitter', (attempt, expected) => {
		expect(backoffDelay(attempt, { random: () => 0.5 })).toBe(expected);
	});

	test('jitter stays within ±20% and never passes the cap', () => {
		expect(backoffDelay(2, { random: () => 0 })).toBe(8_000);
		expect(backoffDelay(2, { random: () => 1 })).toBe(12_000);
		expect(backoffDelay(30, { random: () => 1 })).toBe(3_600_000);
	});
});
