import { describe, expect, test } from 'vitest';
import charges from './data/charges.json';
import codeData from './data/codes.json';
import { BillingInputError, evaluate, type EncounterFacts } from './engine';

const video = (day: string) => [
	{ modality: 'video' as const, start: `${day}T15:00:00Z`, end: `${day}T15:20:00Z` }
];
const audio = (day: string, modality: 'audio' | 'phone' = 'audio') => [
	{ modality, start: `${day}T15:00:00Z`, end: `${day}T15:20:00Z` }
];

/** A Medicare video visit at home on 2 Dec 2026 by a physician, everyone video-capable. */
const base = (over: Partial<EncounterFacts> = {}): EncounterFacts => ({
	dateOfService: '2026-12-02',
	payer: 'medicare',
	serviceCode: '99213',
	patientLocation: { state: 'CO', setting: 'home' },
	segments: video('2026-12-02'),
	clinicianVideoCapable: true,
	patientVideoCapable: true,
	patientConsentsToVideo: true,
	behavioralHealth: false,
	practitionerType: 'physician',
	...over
});
const codes = (facts: EncounterFacts) => evaluate(facts).reasons.map((r) => r.code);

// Each case: [the rule and its source, facts, billable, line, a reason that must be given].
const CASES: [string, EncounterFacts, boolean, { pos: string; modifiers: string[] }, string][] = [
	[
		'POS 10 is the patient at home (CMS POS code set, Medicare from 1 Apr 2022; CY2024 PFS: no 95)',
		base(),
		true,
		{ pos: '10', modifiers: [] },
		'POS_HOME'
	],
	[
		'POS 02 is the patient anywhere but home (CMS POS code set)',
		base({ patientLocation: { state: 'CO', setting: 'facility' } }),
		true,
		{ pos: '02', modifiers: [] },
		'POS_FACILITY'
	],
	[
		'2020-03-06 to 2023-12-31: in-person POS 11 with 95 (PHE rules; NGS "Telehealth changes for 2024")',
		base({ dateOfService: '2023-06-01', segments: video('2023-06-01') }),
		true,
		{ pos: '11', modifiers: ['95'] },
		'POS_PHE_IN_PERSON'
	],
	[
		'Hospital outpatient clinician, patient at home: in-person POS with 95 (CY2024 PFS exception)',
		base({ facilityType: 'hospital_outpatient' }),
		true,
		{ pos: '22', modifiers: ['95'] },
		'POS_HOSPITAL_PATIENT_AT_HOME'
	],
	[
		'Audio-only at home, patient without video, 2025+: 93 (42 CFR 410.78(a)(3), CY2025 PFS)',
		base({ segments: audio('2026-12-02', 'phone'), patientVideoCapable: false }),
		true,
		{ pos: '10', modifiers: ['93'] },
		'AUDIO_ONLY_HOME'
	],
	[
		'Audio-only at home, patient declines video: 93 (42 CFR 410.78(a)(3))',
		base({ segments: audio('2026-12-02'), patientConsentsToVideo: false }),
		true,
		{ pos: '10', modifiers: ['93'] },
		'AUDIO_ONLY_HOME'
	],
	[
		'Audio-only when the patient could and would do video: not billable (42 CFR 410.78(a)(3))',
		base({ segments: audio('2026-12-02') }),
		false,
		{ pos: '10', modifiers: ['93'] },
		'AUDIO_ONLY_CONDITIONS_NOT_MET'
	],
	[
		'Audio-only when the clinician cannot do video: not billable (42 CFR 410.78(a)(3))',
		base({ segments: audio('2026-12-02'), patientVideoCapable: false, clinicianVideoCapable: false }),
		false,
		{ pos: '10', modifiers: ['93'] },
		'AUDIO_ONLY_CONDITIONS_NOT_MET'
	],
	[
		'Audio-only to a patient in a facility: not billable (audio-only is for the home, 42 CFR 410.78(a)(3))',
		base({
			segments: audio('2026-12-02'),
			patientVideoCapable: false,
			patientLocation: { state: 'CO', setting: 'facility' }
		}),
		false,
		{ pos: '02', modifiers: ['93'] },
		'AUDIO_ONLY_NOT_AT_HOME'
	],
	[
		'Video then audio: any audio-only part makes the audio-only rules apply, with 93 (DOMAIN.md AnyVisit rule)',
		base({
			segments: [
				{ modality: 'video', start: '2026-12-02T15:00:00Z', end: '2026-12-02T15:08:00Z' },
				{ modality: 'phone', start: '2026-12-02T15:08:00Z', end: '2026-12-02T15:20:00Z' }
			],
			patientVideoCapable: false
		}),
		true,
		{ pos: '10', modifiers: ['93'] },
		'MIXED_MODALITY'
	],
	[
		'Audio-only in 2024 for a medical (not behavioral) visit: not covered before 2025 (CY2025 PFS)',
		base({ dateOfService: '2024-06-03', segments: audio('2024-06-03'), patientVideoCapable: false }),
		false,
		{ pos: '10', modifiers: ['93'] },
		'AUDIO_ONLY_NOT_COVERED'
	],
	[
		'Audio-only psychotherapy in 2024 at home: covered for behavioral health (CY2022 PFS)',
		base({
			dateOfService: '2024-06-03',
			serviceCode: '90834',
			segments: audio('2024-06-03'),
			patientVideoCapable: false
		}),
		true,
		{ pos: '10', modifiers: ['93'] },
		'AUDIO_ONLY_HOME'
	],
	[
		'Audio-only from an FQHC: FQ instead of 93 (DOMAIN.md Modifiers)',
		base({ segments: audio('2026-12-02'), patientVideoCapable: false, facilityType: 'fqhc' }),
		true,
		{ pos: '10', modifiers: ['FQ'] },
		'AUDIO_ONLY_HOME'
	],
	[
		'After 31 Dec 2027, a medical visit at home is not payable (CAA 2026 flexibilities end)',
		base({ dateOfService: '2028-02-01', segments: video('2028-02-01') }),
		false,
		{ pos: '10', modifiers: [] },
		'HOME_NOT_ELIGIBLE'
	],
	[
		'After 2027 behavioral health at home stays payable, with the in-person visit requirement (42 CFR 410.78(b)(3)(xiv))',
		base({ dateOfService: '2028-02-01', segments: video('2028-02-01'), serviceCode: '90837' }),
		true,
		{ pos: '10', modifiers: [] },
		'MENTAL_HEALTH_IN_PERSON'
	],
	[
		'PT by telehealth after 2027 is not payable (flexibilities end)',
		base({
			dateOfService: '2028-02-01',
			segments: video('2028-02-01'),
			serviceCode: '97110',
			practitionerType: 'pt',
			patientLocation: { state: 'CO', setting: 'facility' }
		}),
		false,
		{ pos: '02', modifiers: [] },
		'THERAPIST_NOT_ELIGIBLE'
	],
	[
		'A date inside a lapse is payable (restored retroactively) but flagged (CAA 2026)',
		base({ dateOfService: '2025-10-15', segments: video('2025-10-15') }),
		true,
		{ pos: '10', modifiers: [] },
		'FLEXIBILITY_LAPSE'
	],
	[
		'99441 telephone E/M was deleted on 1 Jan 2025 (CPT 2025)',
		base({ serviceCode: '99441', segments: audio('2026-12-02', 'phone'), patientVideoCapable: false }),
		false,
		{ pos: '10', modifiers: ['93'] },
		'CODE_NOT_VALID'
	],
	[
		'98000–98015 telemedicine E/M: status I, not payable by Medicare (CY2025 PFS)',
		base({ serviceCode: '98005' }),
		false,
		{ pos: '10', modifiers: [] },
		'NOT_PAYABLE_MEDICARE'
	],
	[
		'98000–98015 are accepted by a commercial payer that uses them, with 95 (payer configuration)',
		base({ serviceCode: '98005', payer: 'commercial' }),
		true,
		{ pos: '10', modifiers: ['95'] },
		'AV_MODIFIER'
	],
	[
		'98016 virtual check-in is not telehealth: no POS 02/10, no 93/95 (DOMAIN.md Codes)',
		base({ serviceCode: '98016' }),
		true,
		{ pos: '11', modifiers: [] },
		'CTBS_NOT_TELEHEALTH'
	],
	[
		'A code not on the Medicare Telehealth Services List on the date (90849 was added for 2026)',
		base({ dateOfService: '2025-06-02', segments: video('2025-06-02'), serviceCode: '90849' }),
		false,
		{ pos: '10', modifiers: [] },
		'NOT_ON_TELEHEALTH_LIST'
	],
	[
		'Acute stroke: G0 with POS 02, wherever the patient is (BBA 2018 §50325)',
		base({ acuteStroke: true }),
		true,
		{ pos: '02', modifiers: ['G0'] },
		'ACUTE_STROKE'
	],
	[
		'Commercial audio-video: 95 with POS 10 (payer configuration, DOMAIN.md Modifiers)',
		base({ payer: 'commercial' }),
		true,
		{ pos: '10', modifiers: ['95'] },
		'AV_MODIFIER'
	],
	[
		'Commercial audio-only: 93 (payer configuration)',
		base({ payer: 'commercial', segments: audio('2026-12-02') }),
		true,
		{ pos: '10', modifiers: ['93'] },
		'AUDIO_ONLY_PAYER'
	],
	[
		'Medicaid (Texas): 95 with the CMS POS codes (state configuration)',
		base({ payer: 'medicaid', payerState: 'TX', patientLocation: { state: 'TX', setting: 'facility' } }),
		true,
		{ pos: '02', modifiers: ['95'] },
		'AV_MODIFIER'
	],
	[
		'Medicaid (New Mexico, as configured): audio-only not covered',
		base({ payer: 'medicaid', payerState: 'NM', segments: audio('2026-12-02') }),
		false,
		{ pos: '10', modifiers: ['93'] },
		'AUDIO_ONLY_NOT_COVERED_PAYER'
	],
	[
		'A future date is judged by the rules known for it, and says so',
		base({ dateOfService: '2027-03-01', segments: video('2027-03-01') }),
		true,
		{ pos: '10', modifiers: [] },
		'FUTURE_DATE'
	],
	[
		'Group psychotherapy from home is a permanent list service for mental health (CMS Telehealth Services List; 42 CFR 410.78(b)(4)(iv)(D))',
		base({ serviceCode: '90853', behavioralHealth: true }),
		true,
		{ pos: '10', modifiers: [] },
		'POS_HOME'
	],
	[
		'Medical nutrition therapy at a facility is on the list (CMS Telehealth Services List: 97802)',
		base({ serviceCode: '97802', patientLocation: { state: 'CO', setting: 'facility' } }),
		true,
		{ pos: '02', modifiers: [] },
		'POS_FACILITY'
	],
	[
		'Crisis psychotherapy before the PHE was not on the list (CMS Telehealth Services List: 90839 from 2020-03-01)',
		base({
			serviceCode: '90839',
			behavioralHealth: true,
			dateOfService: '2019-06-03',
			segments: video('2019-06-03'),
			patientLocation: { state: 'CO', setting: 'facility' }
		}),
		false,
		{ pos: '02', modifiers: [] },
		'NOT_ON_TELEHEALTH_LIST'
	]
];

describe('the telehealth billing engine', () => {
	test('the charge master prices every code the engine knows, so any approved claim can be built', () => {
		const priced = charges.chargeCents as Record<string, number>;
		expect(codeData.codes.filter((c) => !(priced[c.code]! > 0)).map((c) => c.code)).toEqual([]);
	});

	test.each(CASES)('%s', (_, facts, billable, line, reason) => {
		const coding = evaluate(facts);
		expect(coding.billable).toBe(billable);
		expect(coding.lines).toEqual([{ code: facts.serviceCode, ...line }]);
		expect(coding.reasons.map((r) => r.code)).toContain(reason);
	});

	test('it never guesses: an unknown code, a payer it has no policy for, and a broken timeline are refused by name', () => {
		const refused = (facts: EncounterFacts) => {
			try {
				evaluate(facts);
				return null;
			} catch (error) {
				return error instanceof BillingInputError ? [error.field, error.problem] : error;
			}
		};
		expect(refused(base({ serviceCode: '12345' }))).toEqual(['serviceCode', 'unknown_code']);
		expect(refused(base({ payer: 'medicaid' }))).toEqual(['payerState', 'payer_not_configured']);
		expect(refused(base({ payer: 'medicaid', payerState: 'AK' }))).toEqual([
			'payerState',
			'payer_not_configured'
		]);
		expect(
			refused(
				base({
					segments: [
						{ modality: 'video', start: '2026-12-02T15:00:00Z', end: '2026-12-02T15:10:00Z' },
						{ modality: 'audio', start: '2026-12-02T15:09:00Z', end: '2026-12-02T15:20:00Z' }
					]
				})
			)
		).toEqual(['segments.1.start', 'segments_overlap']);
		expect(
			refused(
				base({
					segments: [{ modality: 'video', start: '2026-12-02T15:10:00Z', end: '2026-12-02T15:00:00Z' }]
				})
			)
		).toEqual(['segments.0.end', 'segment_reversed']);
	});

	test('the same facts give the same answer (a pure function of the data)', () => {
		expect(evaluate(base())).toEqual(evaluate(base()));
		expect(codes(base())).toEqual(['POS_HOME']);
	});
});
