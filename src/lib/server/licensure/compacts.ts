/**
 * Interstate compact membership as data with an as-of date (../shared/DOMAIN.md, Licensure).
 *
 * - NLC (ncsbn.org/nlc): a multistate RN/LPN licence from a member home state is a privilege to
 *   practise in every member state where the compact is in effect (about 40; Pennsylvania from
 *   7 Jul 2025, Connecticut from 1 Oct 2025). Not for APRNs.
 * - PSYPACT (psypact.gov): the Authority to Practice Interjurisdictional Telepsychology (APIT) covers
 *   telepsychology into member states; it is not in-person practice.
 * - IMLC is absent on purpose: it issues separate state licences, which are recorded per state.
 *
 * Dates before 2022 are when the compact became operational for that state as best recorded here;
 * refresh the lists from the compacts' own maps and change AS_OF with them.
 */
export const COMPACTS_AS_OF = '2026-11-01';

type Entry = { state: string; from: string; until?: string };

const NLC_ORIGINAL = '2018-01-19';
export const NLC: Entry[] = [
	...[
		'AZ',
		'AR',
		'CO',
		'DE',
		'FL',
		'GA',
		'ID',
		'IA',
		'KS',
		'KY',
		'ME',
		'MD',
		'MS',
		'MO',
		'MT',
		'NE',
		'NH',
		'NM',
		'NC',
		'ND',
		'OK',
		'SC',
		'SD',
		'TN',
		'TX',
		'UT',
		'VA',
		'WV',
		'WI',
		'WY'
	].map((state) => ({ state, from: NLC_ORIGINAL })),
	{ state: 'LA', from: '2019-07-01' },
	{ state: 'AL', from: '2020-01-01' },
	{ state: 'IN', from: '2021-07-01' },
	{ state: 'NJ', from: '2021-01-15' },
	{ state: 'GU', from: '2021-01-01' },
	{ state: 'VT', from: '2022-02-01' },
	{ state: 'VI', from: '2022-07-01' },
	{ state: 'OH', from: '2023-01-01' },
	{ state: 'WA', from: '2023-10-31' },
	{ state: 'PA', from: '2025-07-07' },
	{ state: 'CT', from: '2025-10-01' }
];

const PSYPACT_OPERATIONAL = '2020-07-01';
export const PSYPACT: Entry[] = [
	...['AZ', 'CO', 'DE', 'GA', 'IL', 'MO', 'NE', 'NH', 'NV', 'OK', 'PA', 'TX', 'UT', 'VA'].map((state) => ({
		state,
		from: PSYPACT_OPERATIONAL
	})),
	...['AL', 'AR', 'DC', 'MD', 'MN', 'NC', 'NJ', 'OH', 'RI', 'TN', 'WY', 'KY', 'IN'].map((state) => ({
		state,
		from: '2021-07-01'
	})),
	...['ID', 'KS', 'ME', 'ND', 'WA', 'WV', 'WI', 'VT'].map((state) => ({ state, from: '2022-07-01' })),
	...['CT', 'MS', 'SC', 'SD'].map((state) => ({ state, from: '2023-10-01' })),
	{ state: 'MI', from: '2024-04-01' }
];

export type CompactMembership = {
	compact: 'nlc' | 'psypact';
	state: string;
	effectiveFrom: string;
	effectiveUntil: string | null;
};

export const COMPACT_MEMBERSHIPS: CompactMembership[] = [
	...NLC.map((e) => ({
		compact: 'nlc' as const,
		state: e.state,
		effectiveFrom: e.from,
		effectiveUntil: e.until ?? null
	})),
	...PSYPACT.map((e) => ({
		compact: 'psypact' as const,
		state: e.state,
		effectiveFrom: e.from,
		effectiveUntil: e.until ?? null
	}))
];
