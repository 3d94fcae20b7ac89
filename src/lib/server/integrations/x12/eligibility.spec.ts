import { readFileSync } from 'node:fs';
import { X12Interchange, X12Parser } from 'node-x12';
import { describe, expect, test } from 'vitest';
import {
	build270,
	parse271,
	traceNumberOf,
	type EligibilityRequest,
	type InterchangeControl,
	type UnreadableReason
} from './eligibility';
import { CONTROL, eligibilityRequest, raw271, subscriber271, TRACE } from './fixtures/factory';

const fixture = (name: string) =>
	readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').replace(/\n$/, '');

const REQUEST = eligibilityRequest();

/** Parses with node-x12's strict parser, which itself refuses wrong counts and control numbers. */
function readBack(text: string) {
	const interchange = new X12Parser(true).parse(text);
	if (!(interchange instanceof X12Interchange)) throw new Error('expected one interchange');
	const group = interchange.functionalGroups[0]!;
	const transaction = group.transactions[0]!;
	const values = (s: { elements: { value: string }[] }) => s.elements.map((e) => e.value);
	const body = (tag: string) => transaction.segments.filter((s) => s.tag === tag).map(values);
	return { interchange, group, transaction, values, body };
}

describe('build270', () => {
	test('reads back with node-x12 in X279A1 order, with matching control numbers and counts', () => {
		const text = build270(REQUEST, CONTROL);
		const { interchange, group, transaction } = readBack(text);
		expect([
			interchange.header.tag,
			group.header.tag,
			transaction.header.tag,
			...transaction.segments.map((s) => s.tag),
			transaction.trailer.tag,
			group.trailer.tag,
			interchange.trailer.tag
		]).toEqual([
			'ISA',
			'GS',
			'ST',
			'BHT',
			'HL',
			'NM1',
			'HL',
			'NM1',
			'HL',
			'TRN',
			'NM1',
			'REF',
			'DMG',
			'DTP',
			'EQ',
			'EQ',
			'EQ',
			'SE',
			'GE',
			'IEA'
		]);
		// ISA13 = IEA02, GS06 = GE02, ST02 = SE02; SE01 counts ST to SE, GE01 and IEA01 their children.
		expect(interchange.header.valueOf(13)).toBe('7');
		expect(interchange.trailer.valueOf(2)).toBe('7');
		expect(text).toContain('*00501*000000007*0*T*:~');
		expect(text.endsWith('~IEA*1*000000007~')).toBe(true);
		expect(group.header.valueOf(6)).toBe('7');
		expect(group.trailer.valueOf(2)).toBe('7');
		expect(transaction.header.valueOf(2)).toBe('0001');
		expect(transaction.trailer.valueOf(2)).toBe('0001');
		expect(transaction.trailer.valueOf(1)).toBe(String(transaction.segments.length + 2));
		expect(transaction.trailer.valueOf(1)).toBe('16');
		expect(group.trailer.valueOf(1)).toBe('1');
		expect(interchange.trailer.valueOf(1)).toBe('1');
		// The ISA is fixed-length: 106 characters with its terminator; ISA11 ^ and ISA16 : are the separators.
		expect(text.indexOf('~')).toBe(105);
		expect(interchange.header.valueOf(11)).toBe('^');
		expect(interchange.header.valueOf(16)).toBe(':');
	});

	test('matches the documented sample, segment by segment', () => {
		expect(build270(REQUEST, CONTROL)).toBe(fixture('270-sample.x12'));
		const { body, group, transaction } = readBack(build270(REQUEST, CONTROL));
		expect(group.header.valueOf(1)).toBe('HS');
		expect(group.header.valueOf(8)).toBe('005010X279A1');
		expect(transaction.header.valueOf(3)).toBe('005010X279A1');
		expect(body('BHT')).toEqual([['0022', '13', '000000007-0001', '20261130', '1504']]);
		expect(body('HL')).toEqual([
			['1', '', '20', '1'],
			['2', '1', '21', '1'],
			['3', '2', '22', '0']
		]);
		expect(body('NM1')).toEqual([
			['PR', '2', 'SANDBOX HEALTH PLAN', '', '', '', '', 'PI', 'SBXPAYER01'],
			['1P', '2', 'RIVERBEND COMMUNITY HEALTH', '', '', '', '', 'XX', '1245319599'],
			['IL', '1', 'HERNANDEZ', 'ROSA', '', '', '', 'MI', 'ACT-TH-0001']
		]);
		expect(body('TRN')).toEqual([['1', traceNumberOf(CONTROL), '9ANYVISIT0']]);
		expect(body('REF')).toEqual([['6P', 'GRP-4471']]);
		expect(body('DMG')).toEqual([['D8', '19790412', 'F']]);
		expect(body('DTP')).toEqual([['291', 'D8', '20261202']]);
	});

	test.each([
		{ extra: undefined, eq: ['30'] },
		{ extra: [], eq: ['30'] },
		{ extra: ['98', 'MH'], eq: ['30', '98', 'MH'] },
		{ extra: ['30', '98', '98', 'A3'], eq: ['30', '98', 'A3'] }
	])('EQ*30 always comes first, then one EQ per extra service type: $extra', ({ extra, eq }) => {
		const { body } = readBack(build270({ ...REQUEST, extraServiceTypes: extra }, CONTROL));
		expect(body('EQ')).toEqual(eq.map((code) => [code]));
	});

	test('delimiters in names are replaced, so a name cannot break the message', () => {
		const text = build270(
			{
				...REQUEST,
				payer: { ...REQUEST.payer, name: 'Acme*Health~Plan' },
				provider: { ...REQUEST.provider, name: 'Clinic:North^East' },
				subscriber: { ...REQUEST.subscriber, familyName: "O'Brien*Smith~Jr", givenName: 'Ana:María^José' }
			},
			CONTROL
		);
		const { body, transaction } = readBack(text);
		// Same segments as with plain names, and every ~ is a segment end.
		expect(transaction.segments.map((s) => s.tag)).toEqual(
			readBack(build270(REQUEST, CONTROL)).transaction.segments.map((s) => s.tag)
		);
		expect(text.split('~').length - 1).toBe(3 + transaction.segments.length + 3);
		expect(body('NM1')).toEqual([
			['PR', '2', 'ACME HEALTH PLAN', '', '', '', '', 'PI', 'SBXPAYER01'],
			['1P', '2', 'CLINIC NORTH EAST', '', '', '', '', 'XX', '1245319599'],
			['IL', '1', "O'BRIEN SMITH JR", 'ANA MARIA JOSE', '', '', '', 'MI', 'ACT-TH-0001']
		]);
	});

	test('without gender or group number, DMG has two elements and no REF is written', () => {
		const { body } = readBack(
			build270(
				{ ...REQUEST, subscriber: { ...REQUEST.subscriber, gender: undefined, groupNumber: undefined } },
				CONTROL
			)
		);
		expect(body('DMG')).toEqual([['D8', '19790412']]);
		expect(body('REF')).toEqual([]);
	});

	test('envelope dates and times are UTC; usage P marks production', () => {
		const { interchange, group } = readBack(
			build270({ ...REQUEST, usage: 'P' }, { ...CONTROL, now: new Date('2026-12-01T01:30:00-05:00') })
		);
		expect(interchange.header.valueOf(9)).toBe('261201');
		expect(interchange.header.valueOf(10)).toBe('0630');
		expect(interchange.header.valueOf(15)).toBe('P');
		expect(group.header.valueOf(4)).toBe('20261201');
	});

	const refusals: [string, (r: EligibilityRequest, c: InterchangeControl) => void, string][] = [
		['subscriber.memberId', (r) => (r.subscriber.memberId = 'W22*004471'), 'W22*004471'],
		['subscriber.memberId', (r) => (r.subscriber.memberId = 'W'), 'W'],
		['subscriber.birthDate', (r) => (r.subscriber.birthDate = '1979-02-30'), '19790230'],
		['subscriber.familyName', (r) => (r.subscriber.familyName = '李'), '李'],
		['subscriber.groupNumber', (r) => (r.subscriber.groupNumber = 'GRP~4471'), 'GRP~4471'],
		['dateOfService', (r) => (r.dateOfService = '12/02/2026'), '12/02/2026'],
		['provider.npi', (r) => (r.provider.npi = '124531959'), '124531959'],
		['payer.name', (r) => (r.payer.name = '***'), '***'],
		['sender.id', (r) => (r.sender.id = 'ANYVISIT-CLINIC-1'), 'ANYVISIT-CLINIC-1'],
		['extraServiceTypes', (r) => (r.extraServiceTypes = ['98', 'tele']), 'tele'],
		['control.interchange', (_, c) => (c.interchange = 1_000_000_000), '1000000000'],
		['control.transaction', (_, c) => (c.transaction = '01'), '01']
	];
	test.each(refusals)(
		'refuses %s that cannot be written, naming the field and not the value',
		(field, spoil, bad) => {
			const request = structuredClone(REQUEST);
			const control = { ...CONTROL };
			spoil(request, control);
			let error: unknown;
			try {
				build270(request, control);
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(RangeError);
			expect((error as Error).message).toContain(field);
			expect((error as Error).message).not.toContain(bad);
		}
	);
});

describe('parse271', () => {
	test('reads the documented sample: active, plan, group, copays per service type and network', () => {
		const result = parse271(fixture('271-sample.x12'));
		expect(result).toMatchObject({
			outcome: 'active',
			plan: 'GOLD 500 PPO',
			groupNumber: 'GRP-4471',
			telehealth: 'unknown',
			messages: ['DEDUCTIBLE APPLIES BEFORE COINSURANCE'],
			// The 270's trace (TRN01 2), not the payer's own (TRN01 1).
			traceNumber: '000000412-0001'
		});
		expect(result.reason).toBeUndefined();
		const codes = ['1', '33', '35', '47', '86', '88', '98', 'AL', 'MH', 'UC'];
		expect(result.copay).toEqual([
			...codes.map((serviceType) => ({ amount: 15, serviceType, network: 'in' })),
			...codes.map((serviceType) => ({ amount: 40, serviceType, network: 'out' }))
		]);
	});

	test('a payer-configured telehealth service type turns the sample’s active line into covered', () => {
		expect(parse271(fixture('271-sample.x12'), { telehealthServiceTypes: ['MH'] }).telehealth).toBe(
			'covered'
		);
		expect(parse271(fixture('271-sample.x12'), { telehealthServiceTypes: ['TM'] }).telehealth).toBe(
			'unknown'
		);
	});

	test('the same 271 with other delimiters (| elements, ! repetitions, CR LF segments) reads the same', () => {
		const other = fixture('271-sample.x12').replace(/\*/g, '|').replace(/\^/g, '!').replace(/~\n?/g, '\r\n');
		expect(other).not.toContain('*');
		expect(parse271(other)).toEqual(parse271(fixture('271-sample.x12')));
		expect(parse271(other, { telehealthServiceTypes: ['98'] }).telehealth).toBe('covered');
	});

	const sample = fixture('271-sample.x12');
	const unreadable: [string, unknown, UnreadableReason][] = [
		['an empty answer', '', 'not_x12'],
		['an HTML error page', '<html><body>502 Bad Gateway</body></html>', 'not_x12'],
		['a JSON body', JSON.stringify({ x12: sample }), 'not_x12'],
		['no text at all', null, 'not_x12'],
		[
			'a damaged ISA (one character short)',
			sample.replace('*ZZ*ANYVISIT       ', '*ZZ*ANYVISIT      '),
			'malformed'
		],
		['an ISA alone', sample.split('\n')[0], 'malformed'],
		['cut off before SE', sample.slice(0, sample.indexOf('SE*')), 'truncated'],
		['cut off before GE', sample.slice(0, sample.indexOf('GE*')), 'truncated'],
		['cut off before IEA', sample.slice(0, sample.indexOf('IEA*')), 'truncated'],
		['cut off inside IEA', sample.slice(0, -3), 'truncated'],
		['without SE, the rest present', sample.replace('SE*27*4322~\n', ''), 'truncated'],
		['without GE, the rest present', sample.replace('GE*1*412~\n', ''), 'truncated'],
		['SE01 not counting the segments', sample.replace('SE*27*', 'SE*26*'), 'malformed'],
		['SE02 not matching ST02', sample.replace('SE*27*4322', 'SE*27*4323'), 'malformed'],
		['GE02 not matching GS06', sample.replace('GE*1*412', 'GE*1*413'), 'malformed'],
		['IEA02 not matching ISA13', sample.replace('IEA*1*000000412', 'IEA*1*000000413'), 'malformed'],
		['two interchanges in one answer', `${sample}\n${sample}`, 'unexpected_structure'],
		[
			'two functional groups',
			sample.replace(/(GS\*[\s\S]*?GE\*1\*412~\n)/, '$1$1').replace('IEA*1*', 'IEA*2*'),
			'unexpected_structure'
		],
		[
			'two transaction sets in the group',
			sample.replace(/(ST\*271[\s\S]*?SE\*27\*4322~\n)/, '$1$1').replace('GE*1*', 'GE*2*'),
			'unexpected_structure'
		],
		['a 270 instead of a 271', fixture('270-sample.x12'), 'not_271'],
		['a 271 without BHT', sample.replace(/BHT\*[^~]*~\n/, '').replace('SE*27*', 'SE*26*'), 'not_271'],
		['a BHT that says request', sample.replace('BHT*0022*11*', 'BHT*0022*13*'), 'not_271'],
		['another version of the guide', sample.replace('*X*005010X279A1~', '*X*004010X092A1~'), 'not_271'],
		['a 271 that states no coverage status', subscriber271(['EB*B*IND*98***27*20']), 'no_status'],
		['a 271 without any benefit', subscriber271([]), 'no_status'],
		[
			'a payer unable to respond (AAA 42 at the source)',
			raw271(['HL*1**20*0', 'NM1*PR*2*SANDBOX HEALTH PLAN*****PI*SBXPAYER01', 'AAA*Y**42*R']),
			'rejected'
		]
	];
	test.each(unreadable)('%s is unreadable, without a guess', (_, text, reason) => {
		const result = parse271(text as string);
		expect(result.outcome).toBe('unreadable');
		expect(result.reason).toBe(reason);
		expect(result.telehealth).toBe('unknown');
		expect(result.plan).toBeUndefined();
		expect(result.copay).toBeUndefined();
	});

	test.each(['72', '73', '75', '76', '67'])('AAA reject reason %s means the member was not found', (code) => {
		const result = parse271(subscriber271([`AAA*N**${code}*C`]));
		expect(result).toEqual({
			outcome: 'not_found',
			telehealth: 'unknown',
			messages: [],
			traceNumber: TRACE,
			rejectReasons: [code]
		});
	});

	test('a reject reason that is not about the member keeps the stated status and is reported', () => {
		const result = parse271(subscriber271(['EB*1*IND*30', 'AAA*Y**57*C']));
		expect(result.outcome).toBe('active');
		expect(result.rejectReasons).toEqual(['57']);
	});

	const statuses: { lines: string[]; outcome: string; plan?: string }[] = [
		{ lines: ['EB*1*IND*30'], outcome: 'active' },
		...['2', '3', '4', '5'].map((code) => ({ lines: [`EB*${code}*IND*30`], outcome: 'active' })),
		{ lines: ['EB*6*IND*30'], outcome: 'inactive' },
		{ lines: ['EB*7*IND*30'], outcome: 'inactive' },
		{ lines: ['EB*8*IND*30'], outcome: 'inactive' },
		// The plan-level line (service type 30) speaks for the plan, whatever a single service says.
		{ lines: ['EB*6*IND*30', 'EB*1*IND*35'], outcome: 'inactive' },
		{ lines: ['EB*1*IND*30', 'EB*6*IND*35'], outcome: 'active' },
		// Two coverages reported, a past one and the current one: the member is covered.
		{ lines: ['EB*6*IND*30**OLD PLAN', 'EB*1*IND*30**NEW PLAN'], outcome: 'active', plan: 'NEW PLAN' },
		// No plan-level line: the status lines there are.
		{ lines: ['EB*1*IND*98'], outcome: 'active' },
		// The plan's name comes from a line that says what the outcome says.
		{ lines: ['EB*6*IND*30**GOLD 500 PPO'], outcome: 'inactive', plan: 'GOLD 500 PPO' }
	];
	test.each(statuses)('coverage status from $lines is $outcome', ({ lines, outcome, plan }) => {
		const result = parse271(subscriber271(lines));
		expect(result.outcome).toBe(outcome);
		expect(result.plan).toBe(plan);
		expect(result.traceNumber).toBe(TRACE);
	});

	test('telehealth is not reported for an inactive member, even when a line speaks of it', () => {
		const result = parse271(subscriber271(['EB*6*IND*30', 'EB*1*IND*98', 'III*ZZ*10']));
		expect(result.outcome).toBe('inactive');
		expect(result.telehealth).toBe('unknown');
	});
});
