import { describe, expect, test } from 'vitest';
import { copays, gather, telehealthBenefit, type Telehealth } from './benefits';
import { segment } from './x12';

const read = (lines: string[]) => gather(lines.map(segment));

describe('telehealth benefit', () => {
	const cases: { why: string; lines: string[]; configured?: string[]; expected: Telehealth }[] = [
		{
			why: 'active line, place of service 10 (home)',
			lines: ['EB*1*IND*98', 'III*ZZ*10'],
			expected: 'covered'
		},
		{ why: 'active line, place of service 02', lines: ['EB*1*IND*MH', 'III*ZZ*02'], expected: 'covered' },
		{
			why: 'active line whose own MSG says telemedicine',
			lines: ['EB*1*IND*98', 'MSG*Telemedicine visits included'],
			expected: 'covered'
		},
		{ why: 'active line, MSG says tele-health', lines: ['EB*1', 'MSG*TELE-HEALTH'], expected: 'covered' },
		{
			why: 'non-covered line, place of service 10',
			lines: ['EB*I*IND*98', 'III*ZZ*10'],
			expected: 'not_covered'
		},
		{
			why: 'non-covered line whose MSG says telehealth',
			lines: ['EB*I*IND*98', 'MSG*TELEHEALTH NOT COVERED'],
			expected: 'not_covered'
		},
		{ why: 'office visit covered, nothing about telehealth', lines: ['EB*1*IND*98'], expected: 'unknown' },
		{
			why: 'office place of service (11) is not telehealth',
			lines: ['EB*1*IND*98', 'III*ZZ*11'],
			expected: 'unknown'
		},
		{ why: 'III with another qualifier', lines: ['EB*1*IND*98', 'III*GR*10'], expected: 'unknown' },
		{
			why: 'a configured telehealth service type, covered',
			lines: ['EB*1*IND*30^98'],
			configured: ['98'],
			expected: 'covered'
		},
		{
			why: 'a configured telehealth service type, non-covered',
			lines: ['EB*I*IND*98'],
			configured: ['98'],
			expected: 'not_covered'
		},
		{
			why: 'an active line whose MSG negates',
			lines: ['EB*1*IND*98', 'MSG*TELEHEALTH NOT COVERED'],
			expected: 'unknown'
		},
		{
			why: 'lines that disagree',
			lines: ['EB*1*IND*MH', 'III*ZZ*10', 'EB*I*IND*98', 'III*ZZ*10'],
			expected: 'unknown'
		},
		{
			why: 'a copay line alone says neither',
			lines: ['EB*B*IND*98***27*20', 'III*ZZ*10'],
			expected: 'unknown'
		},
		{
			why: 'a telehealth MSG belongs to its own loop, not the line before',
			lines: ['EB*1*IND*98', 'EB*B*IND*98***27*20', 'MSG*TELEHEALTH COPAY'],
			expected: 'unknown'
		},
		{
			why: 'MSG and III after LS belong to a related entity, not the benefit',
			lines: ['EB*1*IND*98', 'LS*2120', 'NM1*P3*1*OKAFOR*ADAEZE', 'III*ZZ*10', 'LE*2120'],
			expected: 'unknown'
		},
		{
			why: 'an III after the next HL is not the benefit’s',
			lines: ['EB*1*IND*98', 'HL*4*3*23*0', 'III*ZZ*10'],
			expected: 'unknown'
		}
	];
	test.each(cases)('$why: $expected', ({ lines, configured, expected }) => {
		expect(telehealthBenefit(read(lines).lines, '^', configured)).toBe(expected);
	});
});

describe('copays', () => {
	test('one per service type, with the network when EB12 says Y or N', () => {
		const { lines } = read([
			'EB*B*IND*98^MH*PR**27*20*****Y',
			'EB*B*IND*UC*PR**27*75.50*****N',
			'EB*B*IND*A3*PR**27*10*****W'
		]);
		expect(copays(lines, '^')).toEqual([
			{ amount: 20, serviceType: '98', network: 'in' },
			{ amount: 20, serviceType: 'MH', network: 'in' },
			{ amount: 75.5, serviceType: 'UC', network: 'out' },
			{ amount: 10, serviceType: 'A3' }
		]);
	});

	test('lines without a service type or a readable amount, and other benefits, are left out', () => {
		const { lines } = read([
			'EB*B*IND****27*20',
			'EB*B*IND*98***27*',
			'EB*B*IND*98***27*-5',
			'EB*B*IND*98***27*TWENTY',
			'EB*C*IND*30***23*1500',
			'EB*A*IND*30***27**0.2'
		]);
		expect(copays(lines, '^')).toEqual([]);
	});

	test('without a repetition separator (before 005010) EB03 is one code', () => {
		expect(copays(read(['EB*B*IND*UC***27*20']).lines, '')).toEqual([{ amount: 20, serviceType: 'UC' }]);
	});
});

describe('gather', () => {
	test('takes the echoed trace (TRN01 2), the subscriber’s group number and every MSG', () => {
		const found = read([
			'HL*3*2*22*0',
			'TRN*1*PAYER-OWN*9SBXPAYER0',
			'TRN*2*000000007-0001*9ANYVISIT0',
			'REF*6P*GRP-4471',
			'EB*1*IND*30',
			'MSG*FIRST',
			'REF*6P*GRP-OTHER',
			'MSG*SECOND',
			'AAA*Y**57*C'
		]);
		expect(found.traceNumber).toBe('000000007-0001');
		expect(found.groupNumber).toBe('GRP-4471');
		expect(found.messages).toEqual(['FIRST', 'SECOND']);
		expect(found.rejectReasons).toEqual(['57']);
		expect(found.lines.map((l) => l.messages)).toEqual([['FIRST', 'SECOND']]);
	});

	test('a group number outside the subscriber and dependent levels is not the member’s', () => {
		expect(read(['HL*2*1*21*1', 'REF*6P*PROVIDER-GROUP']).groupNumber).toBeUndefined();
		expect(read(['HL*4*3*23*0', 'REF*6P*DEP-GROUP']).groupNumber).toBe('DEP-GROUP');
	});

	test('no echoed trace: none reported, rather than the payer’s own', () => {
		expect(read(['HL*3*2*22*0', 'TRN*1*PAYER-OWN*9SBXPAYER0']).traceNumber).toBeUndefined();
	});
});
