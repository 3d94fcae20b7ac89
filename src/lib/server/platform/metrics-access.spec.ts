import { describe, expect, test } from 'vitest';
import { metricsTokenMatches } from './metrics-access';

describe('metrics token', () => {
	const token = 'a-long-metrics-token-123';
	test.each([
		[`Bearer ${token}`, true],
		[`Bearer ${token}x`, false],
		['Bearer ', false],
		[token, false],
		[null, false]
	])('%j → %s', (header, expected) => {
		expect(metricsTokenMatches(token, header)).toBe(expected);
	});

	test('no configured token never matches', () => {
		expect(metricsTokenMatches(undefined, 'Bearer anything')).toBe(false);
	});
});
