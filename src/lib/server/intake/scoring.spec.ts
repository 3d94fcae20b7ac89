import { describe, expect, test } from 'vitest';
import { scoreQuestionnaire, type Answers } from './scoring';

const phq = (values: number[]): Answers => Object.fromEntries(values.map((v, i) => [`q${i + 1}`, String(v)]));

describe('screener scoring', () => {
	test.each([
		[[0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 'minimal'],
		[[1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 'minimal'],
		[[1, 1, 1, 1, 1, 0, 0, 0, 0], 5, 'mild'],
		[[2, 2, 2, 2, 1, 0, 0, 0, 0], 9, 'mild'],
		[[2, 2, 2, 2, 2, 0, 0, 0, 0], 10, 'moderate'],
		[[3, 3, 3, 3, 2, 1, 0, 0, 0], 15, 'moderately_severe'],
		[[3, 3, 3, 3, 3, 3, 2, 0, 0], 20, 'severe'],
		[[3, 3, 3, 3, 3, 3, 3, 3, 3], 27, 'severe']
	])('PHQ-9 %j totals %i, %s', (values, total, severity) => {
		expect(scoreQuestionnaire('phq-9', phq(values))).toEqual({
			total,
			severity,
			selfHarmAlert: values[8]! > 0
		});
	});

	test('PHQ-9 item 9 above zero alerts, even with a minimal total', () => {
		expect(scoreQuestionnaire('phq-9', phq([0, 0, 0, 0, 0, 0, 0, 0, 1]))).toEqual({
			total: 1,
			severity: 'minimal',
			selfHarmAlert: true
		});
	});

	test.each([
		[[0, 0, 0, 0, 0, 0, 0], 0, 'minimal'],
		[[1, 1, 1, 1, 1, 0, 0], 5, 'mild'],
		[[2, 2, 2, 2, 2, 0, 0], 10, 'moderate'],
		[[3, 3, 3, 3, 3, 0, 0], 15, 'severe'],
		[[3, 3, 3, 3, 3, 3, 3], 21, 'severe']
	])('GAD-7 %j totals %i, %s', (values, total, severity) => {
		expect(scoreQuestionnaire('gad-7', phq(values))).toMatchObject({ total, severity, selfHarmAlert: false });
	});

	test('the general intake has no score', () => {
		expect(scoreQuestionnaire('general-intake', { reason: 'cough' })).toBeNull();
	});
});
