/**
 * What the benefit loops of a 271 say (ASC X12 005010X279A1, loops 2110C/2110D "Eligibility or
 * Benefit Information" and 2115C/2115D "Additional Information"): coverage status, co-payments and
 * telehealth. Pure rules over segments, table-tested in benefits.spec.ts.
 */
import { element, type Segment } from './x12';

/** One 2110 loop: its EB segment and the MSG texts and places of service that belong to it. */
export type BenefitLine = { eb: Segment; messages: string[]; placesOfService: string[] };

export type Copay = { amount: number; serviceType: string; network?: 'in' | 'out' };

export type Telehealth = 'covered' | 'not_covered' | 'unknown';

/** The subscriber side of a 271, gathered in one pass over the transaction set body. */
export type Gathered = {
	lines: BenefitLine[];
	/** AAA03 reject reason codes, from whichever loop sent them. */
	rejectReasons: string[];
	/** Every MSG01 text, in order. Free text from the payer: treat as PHI. */
	messages: string[];
	groupNumber?: string;
	traceNumber?: string;
};

/**
 * Splits the body into benefit lines. X279A1 2110C/D order: EB, HSD, REF, DTP, AAA, MSG, then the
 * 2115 loop (III) and the 2120 loop wrapped in LS/LE; so MSG and III belong to the EB before them
 * until LS (2120 names a related entity, not the benefit) or the next EB or HL.
 */
export function gather(segments: readonly Segment[]): Gathered {
	const gathered: Gathered = { lines: [], rejectReasons: [], messages: [] };
	let level = '';
	let line: BenefitLine | undefined;
	for (const s of segments) {
		switch (s.tag) {
			case 'HL':
				level = element(s, 3);
				line = undefined;
				break;
			case 'EB':
				line = { eb: s, messages: [], placesOfService: [] };
				gathered.lines.push(line);
				break;
			case 'LS':
				line = undefined;
				break;
			case 'MSG': {
				const text = element(s, 1).trim();
				if (text) {
					gathered.messages.push(text);
					line?.messages.push(text);
				}
				break;
			}
			case 'III':
				// X279A1 2115C/D III01 'ZZ': III02 is a place of service code (CMS POS code set).
				if (element(s, 1) === 'ZZ') line?.placesOfService.push(element(s, 2));
				break;
			case 'AAA':
				if (element(s, 3)) gathered.rejectReasons.push(element(s, 3));
				break;
			case 'REF':
				// X279A1 2100C/D and 2110C/D REF01 '6P': Group Number.
				if (element(s, 1) === '6P' && (level === '22' || level === '23') && element(s, 2))
					gathered.groupNumber ??= element(s, 2);
				break;
			case 'TRN':
				// X279A1 2000C/D TRN01 '2' (Referenced Transaction Trace Numbers): the 270's own TRN
				// echoed back. TRN01 '1' is a trace the payer assigned itself, not ours to match on.
				if (element(s, 1) === '2' && element(s, 2)) gathered.traceNumber ??= element(s, 2);
				break;
		}
	}
	return gathered;
}

/** EB03 service type codes; 005010 lets EB03 repeat (ISA11 separator), e.g. `1^33^98`. */
export function serviceTypes(eb: Segment, repetitionSeparator: string): string[] {
	const value = element(eb, 3);
	return (repetitionSeparator ? value.split(repetitionSeparator) : [value]).filter(Boolean);
}

// X279A1 EB01: 1 Active Coverage, 2-5 Active (capitated, pending investigation); 6 Inactive,
// 7 Inactive - Pending Eligibility Update, 8 Inactive - Pending Investigation. All say so outright.
const ACTIVE = new Set(['1', '2', '3', '4', '5']);
const INACTIVE = new Set(['6', '7', '8']);
/** X279A1 EB01 'I': Non-Covered. */
const NON_COVERED = 'I';
/** EB03 '30': Health Benefit Plan Coverage, what every 270 asks (EQ*30) and the plan's status line. */
const PLAN_COVERAGE = '30';

/**
 * Coverage status from the EB status lines (EB01 1-8). Lines for service type 30 speak for the plan
 * and win when present; a payer that reports several coverages (a past plan and the current one)
 * reports the member active if any of them is active. No status line at all: undefined, never a guess.
 */
export function coverageStatus(
	lines: readonly BenefitLine[],
	repetitionSeparator: string
): { status: 'active' | 'inactive'; plan?: string } | undefined {
	const status = lines.filter((l) => ACTIVE.has(element(l.eb, 1)) || INACTIVE.has(element(l.eb, 1)));
	const plan = status.filter((l) => serviceTypes(l.eb, repetitionSeparator).includes(PLAN_COVERAGE));
	const considered = plan.length ? plan : status;
	if (!considered.length) return undefined;
	const active = considered.some((l) => ACTIVE.has(element(l.eb, 1)));
	const deciding = considered.filter((l) => ACTIVE.has(element(l.eb, 1)) === active);
	// EB05 Plan Coverage Description, from a line that says what the outcome says.
	const name = deciding.map((l) => element(l.eb, 5).trim()).find(Boolean);
	return { status: active ? 'active' : 'inactive', ...(name ? { plan: name } : {}) };
}

/**
 * Co-payments: X279A1 EB01 'B' (Co-Payment), EB07 the amount, one entry per EB03 service type and
 * EB12 (In Plan Network Indicator: Y in, N out; W and U say nothing). A line without a service type
 * or a readable amount is left out rather than attributed to something it may not cover.
 */
export function copays(lines: readonly BenefitLine[], repetitionSeparator: string): Copay[] {
	const found: Copay[] = [];
	for (const { eb } of lines) {
		if (element(eb, 1) !== 'B' || !/^\d+(\.\d+)?$/.test(element(eb, 7))) continue;
		const amount = Number(element(eb, 7));
		const network = { Y: 'in', N: 'out' }[element(eb, 12)] as 'in' | 'out' | undefined;
		for (const serviceType of serviceTypes(eb, repetitionSeparator))
			found.push({ amount, serviceType, ...(network ? { network } : {}) });
	}
	return found;
}

/**
 * CMS place of service codes for telehealth: 02 (other than in the patient's home) and 10 (in the
 * patient's home, since 2022). In a 271 they come as III*ZZ in the benefit's 2115 loop.
 */
const TELEHEALTH_PLACES = new Set(['02', '10']);
const TELEHEALTH_WORDS = /\bTELE[- ]?(HEALTH|MEDICINE)\b/i;
/** An MSG that negates or restricts: free text we do not try to understand. */
const NEGATION = /\b(NOT|NON|NO|EXCLUDED|EXCLUSION|EXCEPT)\b/i;

/**
 * Service type codes that mean telehealth by default: none. ASC X12 005010 has no telehealth
 * service type, and the codes often suggested (98 office visit, A3 home visit, MH mental health)
 * describe the service, not how it is delivered; nearly every active 271 carries EB*1 for 98, so
 * counting it would call telehealth covered for everyone. A payer whose companion guide names its
 * own code is configured with it (`telehealthServiceTypes`).
 */
export const DEFAULT_TELEHEALTH_SERVICE_TYPES: readonly string[] = [];

/**
 * Whether telehealth is covered. A line speaks about telehealth when its 2115 loop names a
 * telehealth place of service (III*ZZ*02 or 10), an MSG of its own loop says TELEHEALTH or
 * TELEMEDICINE, or its EB03 holds a configured telehealth service type. Such a line with EB01
 * active (1-5) says covered, with EB01 'I' not covered; cost-sharing lines (B, A, C...) say neither.
 * 'unknown' when no line speaks, when lines disagree, or when an active line's MSG negates
 * ("TELEHEALTH NOT COVERED"): MSG is free text (X279A1 MSG01), so it never overrules EB01 either way.
 */
export function telehealthBenefit(
	lines: readonly BenefitLine[],
	repetitionSeparator: string,
	telehealthServiceTypes: readonly string[] = DEFAULT_TELEHEALTH_SERVICE_TYPES
): Telehealth {
	const configured = new Set(telehealthServiceTypes);
	const verdicts = new Set<Telehealth>();
	for (const line of lines) {
		const speaks =
			line.placesOfService.some((p) => TELEHEALTH_PLACES.has(p)) ||
			line.messages.some((m) => TELEHEALTH_WORDS.test(m)) ||
			serviceTypes(line.eb, repetitionSeparator).some((s) => configured.has(s));
		if (!speaks) continue;
		const code = element(line.eb, 1);
		if (code === NON_COVERED) verdicts.add('not_covered');
		else if (ACTIVE.has(code))
			verdicts.add(line.messages.some((m) => NEGATION.test(m)) ? 'unknown' : 'covered');
	}
	return verdicts.size === 1 ? [...verdicts][0]! : 'unknown';
}
