import { describe, expect, test } from 'vitest';
import { evaluate } from '../../billing/engine';
import { buildClaim837p, claimProblems } from './claim837p';
import { claimFor } from './fixtures/factory';
import { element, readInterchange } from './x12';

const CONTROL = { interchange: 812, group: 812, transaction: '0001', now: new Date('2026-12-03T09:30:00Z') };

describe('the 837P professional claim', () => {
	test('carries the engine’s place of service in CLM05 and its modifiers in SV101, and parses back with node-x12', () => {
		// A Medicare visit that moved from video to the phone, the patient at home without video.
		const coding = evaluate({
			dateOfService: '2026-12-02',
			payer: 'medicare',
			serviceCode: '99214',
			patientLocation: { state: 'CO', setting: 'home' },
			segments: [
				{ modality: 'video', start: '2026-12-02T15:00:00Z', end: '2026-12-02T15:05:00Z' },
				{ modality: 'phone', start: '2026-12-02T15:05:00Z', end: '2026-12-02T15:30:00Z' }
			],
			clinicianVideoCapable: true,
			patientVideoCapable: false,
			patientConsentsToVideo: true,
			behavioralHealth: false
		});
		const [line] = coding.lines;
		const claim = claimFor(
			[
				{
					code: line!.code,
					modifiers: line!.modifiers,
					chargeCents: 18_500,
					units: 1,
					dateOfService: '2026-12-02'
				}
			],
			line!.pos
		);
		expect(claimProblems(claim)).toEqual([]);
		const read = readInterchange(buildClaim837p(claim, CONTROL));
		if (!read.ok) throw new Error(read.reason);
		const { gs, st, segments } = read.read;
		expect([element(gs, 1), element(gs, 8), element(st, 1), element(st, 3)]).toEqual([
			'HC',
			'005010X222A1',
			'837',
			'005010X222A1'
		]);
		const find = (tag: string) => segments.find((s) => s.tag === tag)!;
		expect(element(find('CLM'), 1)).toBe('AV-2026-000812');
		expect(element(find('CLM'), 2)).toBe('185');
		expect(element(find('CLM'), 5)).toBe('10:B:1');
		expect(element(find('SV1'), 1)).toBe('HC:99214:93');
		expect(element(find('SV1'), 5)).toBe('');
		expect(element(find('SBR'), 9)).toBe('MB');
		expect(element(find('HI'), 1)).toBe('ABK:I10');
		expect(element(find('HI'), 2)).toBe('ABF:E119');
		expect(segments.filter((s) => s.tag === 'NM1').map((s) => element(s, 1))).toEqual([
			'41',
			'40',
			'85',
			'IL',
			'PR',
			'82'
		]);
	});

	test('a commercial audio-video claim from a facility: POS 02 and modifier 95; a line at another place says so', () => {
		const claim = {
			...claimFor(
				[
					{ code: '99213', modifiers: ['95'], chargeCents: 14_000, units: 1, dateOfService: '2026-12-02' },
					{
						code: '99417',
						modifiers: ['95'],
						chargeCents: 6_000,
						units: 1,
						dateOfService: '2026-12-02',
						pos: '10'
					}
				],
				'02'
			),
			payer: { name: 'Acme Health', id: 'ACME1', filing: 'commercial' as const }
		};
		const read = readInterchange(buildClaim837p(claim, CONTROL));
		if (!read.ok) throw new Error(read.reason);
		const lines = read.read.segments.filter((s) => s.tag === 'SV1');
		expect(lines.map((s) => [element(s, 1), element(s, 5)])).toEqual([
			['HC:99213:95', ''],
			['HC:99417:95', '10']
		]);
		expect(
			element(
				read.read.segments.find((s) => s.tag === 'CLM')!,
				5
			)
		).toBe('02:B:1');
		expect(
			element(
				read.read.segments.find((s) => s.tag === 'SBR')!,
				9
			)
		).toBe('CI');
	});

	test('what would make a claim unsendable is named field by field, before anything is written', () => {
		const bad = claimFor(
			[{ code: '9921', modifiers: ['9', '95'], chargeCents: 0, units: 1, dateOfService: '2026-02-30' }],
			'1'
		);
		bad.billingProvider.npi = '123';
		bad.subscriber.memberId = 'A*B';
		bad.diagnoses = ['I10', 'not a code'];
		expect(claimProblems(bad)).toEqual([
			'billingProvider.npi',
			'subscriber.memberId',
			'diagnoses.1',
			'pos',
			'lines.0.code',
			'lines.0.modifiers',
			'lines.0.chargeCents',
			'lines.0.dateOfService'
		]);
	});
});
