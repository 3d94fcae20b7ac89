import { describe, expect, test } from 'vitest';
import { bearerTokenMatches } from './metrics-access';

describe('metrics token', () => {
	const token = 'a-long-metrics-token-123';
	test.each([
		[`Bearer ${token}`, true],
		[`Bearer ${token}x`, false],
		['Bearer ', false],
		[token, false],
		[null, false]
	])('%j → %s', (header, expected) => {
		expect(bearerTokenMatches(token, header)).toBe(expected);
	});

	test('no configured token never matches', () => {
		expect(bearerTokenMatches(undefined, 'Bearer anything')).toBe(false);
	});
});
