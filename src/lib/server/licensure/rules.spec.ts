import { describe, expect, test } from 'vitest';
import { COMPACT_MEMBERSHIPS } from './compacts';
import { mayPractise, type LicenceRecord, type PracticeQuestion } from './rules';

const licence = (overrides: Partial<LicenceRecord>): LicenceRecord => ({
	id: 'lic-1',
	state: 'TX',
	credential: 'MD',
	status: 'active',
	pathway: 'state',
	issuedOn: '2020-01-01',
	expiresOn: '2027-12-31',
	...overrides
});
const ask = (overrides: Partial<PracticeQuestion>): PracticeQuestion => ({
	state: 'TX',
	date: '2026-12-01',
	modality: 'video',
	service: 'medical',
	...overrides
});
const decide = (licences: LicenceRecord[], q: Partial<PracticeQuestion>) =>
	mayPractise(licences, ask(q), COMPACT_MEMBERSHIPS);

describe('may a clinician see a patient located in a state on a date', () => {
	test('a state licence covers its state, and only its state', () => {
		expect(decide([licence({})], {})).toEqual({ allowed: true, basis: 'state_licence', licenceId: 'lic-1' });
		expect(decide([licence({})], { state: 'NM' })).toEqual({
			allowed: false,
			reason: 'no_licence_for_state'
		});
		expect(decide([], {})).toEqual({ allowed: false, reason: 'no_licence_for_state' });
	});

	test('the licence must be valid on the date of the visit, both ends included', () => {
		const l = licence({ issuedOn: '2026-12-01', expiresOn: '2026-12-31' });
		expect(decide([l], { date: '2026-12-01' }).allowed).toBe(true);
		expect(decide([l], { date: '2026-12-31' }).allowed).toBe(true);
		expect(decide([l], { date: '2027-01-01' })).toEqual({ allowed: false, reason: 'licence_expired' });
		expect(decide([l], { date: '2026-11-30' })).toEqual({ allowed: false, reason: 'licence_not_yet_valid' });
	});

	test.each(['inactive', 'suspended', 'revoked', 'expired'] as const)(
		'a %s licence does not count',
		(status) => {
			expect(decide([licence({ status })], {})).toEqual({ allowed: false, reason: 'licence_not_active' });
		}
	);

	test('an IMLC-issued licence is a licence for its own state', () => {
		const wi = licence({ state: 'WI', pathway: 'imlc' });
		expect(decide([wi], { state: 'WI' })).toMatchObject({ allowed: true, basis: 'imlc_licence' });
		expect(decide([wi], { state: 'IL' })).toMatchObject({ allowed: false });
	});

	test('another valid licence wins over an expired one', () => {
		const old = licence({ id: 'old', expiresOn: '2025-01-01' });
		const current = licence({ id: 'new', issuedOn: '2025-01-02' });
		expect(decide([old, current], {})).toMatchObject({ allowed: true, licenceId: 'new' });
	});

	describe('Nurse Licensure Compact', () => {
		const rn = licence({ credential: 'RN', pathway: 'nlc', state: 'TX' });
		test('a multistate RN licence covers member states where the compact is in effect', () => {
			expect(decide([rn], { state: 'CO' })).toMatchObject({ allowed: true, basis: 'nlc_privilege' });
			expect(decide([rn], { state: 'TX' })).toMatchObject({ allowed: true, basis: 'state_licence' });
			expect(decide([rn], { state: 'CA' })).toEqual({ allowed: false, reason: 'compact_not_in_effect' });
		});
		test('Pennsylvania counts from 7 July 2025, Connecticut from 1 October 2025', () => {
			expect(decide([rn], { state: 'PA', date: '2025-07-06' }).allowed).toBe(false);
			expect(decide([rn], { state: 'PA', date: '2025-07-07' }).allowed).toBe(true);
			expect(decide([rn], { state: 'CT', date: '2025-09-30' }).allowed).toBe(false);
			expect(decide([rn], { state: 'CT', date: '2025-10-01' }).allowed).toBe(true);
		});
		test('the privilege is not for APRNs', () => {
			const np = licence({ credential: 'NP', pathway: 'nlc', state: 'TX' });
			expect(decide([np], { state: 'CO' })).toEqual({ allowed: false, reason: 'no_licence_for_state' });
		});
	});

	describe('PSYPACT', () => {
		const psych = licence({ credential: 'PsyD', pathway: 'psypact', state: 'CO' });
		test('authority to practise telepsychology into member states', () => {
			expect(decide([psych], { state: 'TX', service: 'behavioral' })).toMatchObject({
				allowed: true,
				basis: 'psypact_authority'
			});
			expect(decide([psych], { state: 'CA', service: 'behavioral' })).toEqual({
				allowed: false,
				reason: 'compact_not_in_effect'
			});
		});
		test('not for medical visits, and not in person', () => {
			expect(decide([psych], { state: 'TX', service: 'medical' })).toEqual({
				allowed: false,
				reason: 'compact_does_not_cover_service'
			});
			expect(decide([psych], { state: 'TX', service: 'behavioral', modality: 'in_person' })).toEqual({
				allowed: false,
				reason: 'compact_does_not_cover_service'
			});
		});
	});

	test('a Florida telehealth registration covers telehealth, never in-person care in Florida', () => {
		const fl = licence({ state: 'FL', pathway: 'registration' });
		expect(decide([fl], { state: 'FL', modality: 'audio' })).toMatchObject({
			allowed: true,
			basis: 'registration'
		});
		expect(decide([fl], { state: 'FL', modality: 'in_person' })).toEqual({
			allowed: false,
			reason: 'registration_is_telehealth_only'
		});
	});
});
