import codeData from './data/codes.json';
import medicareData from './data/medicare.json';
import medicaidData from './data/medicaid.json';
import commercialData from './data/commercial.json';

/**
 * The telehealth billing engine: a pure function from what happened in a visit to claim lines, with
 * the reason for every decision. The rules live in data (./data/*.json, each with its source and an
 * "as of" date, ../shared/DOMAIN.md), so a payer or a date changes a file, not this code.
 */

export type Modality = 'video' | 'audio' | 'phone';
export type PractitionerType = 'physician' | 'np' | 'pa' | 'psychologist' | 'lcsw' | 'pt' | 'ot' | 'slp';

export type EncounterFacts = {
	dateOfService: string;
	payer: 'medicare' | 'medicaid' | 'commercial';
	payerState?: string;
	serviceCode: string;
	patientLocation: { state: string; setting: 'home' | 'facility' };
	segments: { modality: Modality; start: string; end: string }[];
	clinicianVideoCapable: boolean;
	patientVideoCapable: boolean;
	patientConsentsToVideo: boolean;
	behavioralHealth: boolean;
	acuteStroke?: boolean;
	facilityType?: 'rhc' | 'fqhc' | 'hospital_outpatient' | null;
	practitionerType?: PractitionerType;
};

export type Reason = { code: string; params?: Record<string, string> };
export type ClaimLine = { code: string; modifiers: string[]; pos: string };
export type Coding = { billable: boolean; lines: ClaimLine[]; reasons: Reason[] };

/** A request the engine will not judge (it never guesses): the field and what is wrong with it. */
export class BillingInputError extends Error {
	constructor(
		readonly field: string,
		readonly problem: 'unknown_code' | 'payer_not_configured' | 'segments_overlap' | 'segment_reversed'
	) {
		super(`${field}: ${problem}`);
	}
}

type Period = { from: string; to: string | null };
type CodeEntry = (typeof codeData.codes)[number];

const within = (date: string, period: Period) =>
	date >= period.from && (period.to === null || date <= period.to);
const CODES = new Map<string, CodeEntry>(codeData.codes.map((c) => [c.code, c]));

type PayerPolicy = {
	avModifiers: string[];
	audioModifier: string;
	audioOnlyCovered: boolean;
	acceptsTelemedicineEm: boolean;
};

function payerPolicy(facts: EncounterFacts): PayerPolicy | null {
	if (facts.payer === 'commercial') return commercialData;
	if (facts.payer === 'medicaid') {
		const state = facts.payerState
			? (medicaidData.states as Record<string, (typeof medicaidData.states)['CO']>)[facts.payerState]
			: undefined;
		return state ? { ...state, acceptsTelemedicineEm: true } : null;
	}
	return null;
}

/** Checks the timeline: each segment ends after it starts, and none overlaps the next. */
function checkSegments(segments: EncounterFacts['segments']) {
	const sorted = segments
		.map((s, i) => ({ ...s, i, from: Date.parse(s.start), to: Date.parse(s.end) }))
		.sort((a, b) => a.from - b.from);
	for (const s of sorted) {
		if (!(s.to > s.from)) throw new BillingInputError(`segments.${s.i}.end`, 'segment_reversed');
	}
	for (let k = 1; k < sorted.length; k++) {
		if (sorted[k]!.from < sorted[k - 1]!.to)
			throw new BillingInputError(`segments.${sorted[k]!.i}.start`, 'segments_overlap');
	}
}

/** Whether the engine knows a service code (its catalogue, ./data/codes.json). */
export const isKnownCode = (code: string) => CODES.has(code);

/** Judges one encounter. Throws BillingInputError for what it cannot judge. */
export function evaluate(facts: EncounterFacts): Coding {
	const entry = CODES.get(facts.serviceCode);
	if (!entry) throw new BillingInputError('serviceCode', 'unknown_code');
	checkSegments(facts.segments);
	const policy = facts.payer === 'medicare' ? null : payerPolicy(facts);
	if (facts.payer !== 'medicare' && !policy)
		throw new BillingInputError('payerState', 'payer_not_configured');

	const date = facts.dateOfService;
	const reasons: Reason[] = [];
	let billable = true;
	const refuse = (reason: Reason) => {
		billable = false;
		reasons.push(reason);
	};
	const home = facts.patientLocation.setting === 'home';
	const audioOnly = facts.segments.some((s) => s.modality !== 'video');
	const mixed = audioOnly && facts.segments.some((s) => s.modality === 'video');
	const behavioral = facts.behavioralHealth || entry.behavioral;

	// Rules are known through the end of the year whose lists are loaded; later dates are judged by them.
	if (date > codeData.knownThrough)
		reasons.push({ code: 'FUTURE_DATE', params: { knownThrough: codeData.knownThrough } });

	// The code itself on the date of service (DOMAIN.md "Codes": deleted and not-yet-valid codes).
	if (date < entry.validFrom || (entry.validTo && date > entry.validTo)) {
		refuse({
			code: 'CODE_NOT_VALID',
			params: { code: entry.code, from: entry.validFrom, to: entry.validTo ?? '' }
		});
	}
	// Communication-technology-based services are not telehealth: no POS 02/10, no 93/95 (DOMAIN.md "Codes").
	if (entry.kind === 'ctbs') {
		reasons.push({ code: 'CTBS_NOT_TELEHEALTH', params: { code: entry.code } });
		return { billable, lines: [{ code: entry.code, modifiers: [], pos: '11' }], reasons };
	}

	let pos: string;
	let modifiers: string[] = [];
	if (facts.payer === 'medicare') {
		const medicare = entry.medicare as { status?: string; list?: (Period & { status: string })[] } | null;
		if (medicare?.status === 'I') refuse({ code: 'NOT_PAYABLE_MEDICARE', params: { code: entry.code } });
		else if (!medicare?.list?.some((p) => within(date, p)))
			refuse({ code: 'NOT_ON_TELEHEALTH_LIST', params: { code: entry.code, date } });

		const stroke = facts.acuteStroke === true;
		const flex = medicareData.homeFlexibility;
		const inFlex = within(date, flex);
		// Home as originating site for everything, PT/OT/SLP as telehealth practitioners: flexibility
		// windows; behavioral health and acute stroke are permanent (DOMAIN.md "Medicare telehealth flexibilities").
		if (home && !behavioral && !stroke && !inFlex) refuse({ code: 'HOME_NOT_ELIGIBLE', params: { date } });
		if (
			facts.practitionerType &&
			medicareData.therapyPractitioners.includes(facts.practitionerType) &&
			!inFlex
		)
			refuse({ code: 'THERAPIST_NOT_ELIGIBLE', params: { date } });
		if (inFlex && flex.lapses.some(([from, to]) => within(date, { from: from!, to: to! })))
			reasons.push({ code: 'FLEXIBILITY_LAPSE', params: { date } });
		if (home && behavioral && date >= medicareData.mentalHealthInPersonFrom)
			reasons.push({ code: 'MENTAL_HEALTH_IN_PERSON' });

		const rule = medicareData.pos.find((p) => within(date, p));
		if (stroke) {
			pos = medicareData.acuteStroke.pos;
			modifiers = [medicareData.acuteStroke.modifier];
			reasons.push({ code: 'ACUTE_STROKE' });
		} else if (facts.facilityType === 'hospital_outpatient' && home && rule && rule.from >= '2024-01-01') {
			pos = medicareData.hospitalPatientAtHome.pos;
			modifiers = [...medicareData.hospitalPatientAtHome.avModifiers];
			reasons.push({ code: 'POS_HOSPITAL_PATIENT_AT_HOME', params: { pos } });
		} else if (!rule) {
			// Before 6 March 2020 only rural originating sites, never the home: outside this engine's tables.
			refuse({ code: 'BEFORE_TELEHEALTH_RULES', params: { date } });
			pos = home ? '10' : '02';
		} else {
			pos = home ? rule.home : rule.facility;
			modifiers = [...rule.avModifiers];
			reasons.push({
				code: rule.avModifiers.length ? 'POS_PHE_IN_PERSON' : home ? 'POS_HOME' : 'POS_FACILITY',
				params: { pos }
			});
		}

		if (audioOnly) {
			const allowed = medicareData.audioOnly.find((p) => within(date, p));
			const scopeHolds = allowed && (allowed.scope === 'any' || behavioral);
			// 42 CFR 410.78(a)(3): at home, the clinician can do video, the patient cannot or will not.
			const conditions =
				home && facts.clinicianVideoCapable && (!facts.patientVideoCapable || !facts.patientConsentsToVideo);
			if (!scopeHolds) refuse({ code: 'AUDIO_ONLY_NOT_COVERED', params: { date } });
			else if (!home) refuse({ code: 'AUDIO_ONLY_NOT_AT_HOME' });
			else if (!conditions) refuse({ code: 'AUDIO_ONLY_CONDITIONS_NOT_MET' });
			else reasons.push({ code: 'AUDIO_ONLY_HOME' });
			modifiers = modifiers.filter((m) => m !== '95');
			const fqhc = facts.facilityType === 'rhc' || facts.facilityType === 'fqhc';
			modifiers.push(fqhc ? medicareData.fqhcAudioModifier : medicareData.audioModifier);
		}
	} else {
		const payer = policy!;
		if (entry.kind === 'telemedicine_em' && !payer.acceptsTelemedicineEm)
			refuse({ code: 'NOT_PAYABLE_PAYER', params: { code: entry.code } });
		pos = facts.acuteStroke ? '02' : home ? '10' : '02';
		reasons.push({ code: home ? 'POS_HOME' : 'POS_FACILITY', params: { pos } });
		if (audioOnly) {
			if (!payer.audioOnlyCovered) refuse({ code: 'AUDIO_ONLY_NOT_COVERED_PAYER' });
			else reasons.push({ code: 'AUDIO_ONLY_PAYER', params: { modifier: payer.audioModifier } });
			modifiers = [payer.audioModifier];
		} else {
			modifiers = [...payer.avModifiers];
			if (modifiers.length) reasons.push({ code: 'AV_MODIFIER', params: { modifier: modifiers.join(' ') } });
		}
		if (facts.acuteStroke) {
			modifiers.push('G0');
			reasons.push({ code: 'ACUTE_STROKE' });
		}
	}
	if (mixed) reasons.push({ code: 'MIXED_MODALITY' });
	return { billable, lines: [{ code: entry.code, modifiers, pos }], reasons };
}
