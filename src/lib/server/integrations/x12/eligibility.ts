/**
 * Insurance eligibility in ASC X12 005010X279A1 (HIPAA): the 270 inquiry AnyVisit sends and the 271
 * answer it reads. Loop and segment names in comments (2100C NM1, 2110C EB...) are the guide's.
 */
import {
	copays,
	coverageStatus,
	DEFAULT_TELEHEALTH_SERVICE_TYPES,
	gather,
	telehealthBenefit,
	type Copay,
	type Telehealth
} from './benefits';
import {
	d8,
	element,
	envelopeHeaders,
	hhmm,
	isoDateToD8,
	isX12Identifier,
	readInterchange,
	writeInterchange,
	x12Text,
	type ReadFailure,
	type Segment
} from './x12';

export { DEFAULT_TELEHEALTH_SERVICE_TYPES, type Copay, type Telehealth };

/** Dates are calendar dates, 'YYYY-MM-DD'. */
export type EligibilityRequest = {
	payer: { id: string; name: string };
	/** The clinic, identified by its NPI. */
	provider: { npi: string; name: string };
	subscriber: {
		memberId: string;
		givenName: string;
		familyName: string;
		birthDate: string;
		groupNumber?: string;
		gender?: 'F' | 'M' | 'U';
	};
	dateOfService: string;
	/** Service type codes asked about besides 30 (health benefit plan coverage), e.g. '98', 'MH'. */
	extraServiceTypes?: readonly string[];
	/** Interchange sender and receiver ids (ISA06/ISA08, GS02/GS03), as agreed with the clearinghouse. */
	sender: { id: string };
	receiver: { id: string };
	/** ISA15: T test, P production. */
	usage: 'T' | 'P';
};

/** Control numbers (ISA13, GS06, ST02), unique per sender, and the time the inquiry is made. */
export type InterchangeControl = { interchange: number; group: number; transaction: string; now: Date };

export type UnreadableReason = ReadFailure | 'not_271' | 'rejected' | 'no_status';

export type EligibilityResult = {
	outcome: 'active' | 'inactive' | 'not_found' | 'unreadable';
	plan?: string;
	groupNumber?: string;
	copay?: Copay[];
	telehealth: Telehealth;
	/** The payer's MSG texts: free text, may hold PHI. */
	messages: string[];
	/** The 270's trace number echoed back (2000C TRN, TRN01 '2'). */
	traceNumber?: string;
	/** Why the answer is 'unreadable': a code for logs and support. */
	reason?: UnreadableReason;
	/** AAA03 reject reason codes the payer sent (e.g. 42 unable to respond, 75 subscriber not found). */
	rejectReasons?: string[];
};

const IMPLEMENTATION = '005010X279A1';

/** TRN02 and BHT03 of the 270 built with these control numbers; the 271 echoes it back. */
export function traceNumberOf(control: Pick<InterchangeControl, 'interchange' | 'transaction'>): string {
	return `${String(control.interchange).padStart(9, '0')}-${control.transaction}`;
}

function refuse(field: string): never {
	// The field's name only: its value may be PHI.
	throw new RangeError(`${field} cannot be written into a 270`);
}

function required(text: string, maxLength: number, field: string): string {
	return x12Text(text, maxLength) || refuse(field);
}

/** Checks what cannot be cleaned: identifiers, dates, codes, control numbers. Cheap checks first. */
function checked(input: EligibilityRequest, control: InterchangeControl) {
	const { payer, provider, subscriber } = input;
	// ISA06/ISA08 are 15 characters, GS02/GS03 at least 2: one id serves both.
	if (!isX12Identifier(input.sender.id, 2, 15)) refuse('sender.id');
	if (!isX12Identifier(input.receiver.id, 2, 15)) refuse('receiver.id');
	if (input.usage !== 'T' && input.usage !== 'P') refuse('usage');
	const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= 999_999_999;
	if (!inRange(control.interchange)) refuse('control.interchange'); // ISA13: N0 9
	if (!inRange(control.group)) refuse('control.group'); // GS06: N0 1-9
	if (!/^[A-Za-z0-9]{4,9}$/.test(control.transaction)) refuse('control.transaction'); // ST02: AN 4-9
	if (Number.isNaN(control.now.getTime())) refuse('control.now');
	if (!isX12Identifier(payer.id, 2, 80)) refuse('payer.id'); // 2100A NM109
	if (!/^\d{10}$/.test(provider.npi)) refuse('provider.npi'); // 2100B NM109, XX: the 10-digit NPI
	if (!isX12Identifier(subscriber.memberId, 2, 80)) refuse('subscriber.memberId'); // 2100C NM109
	if (subscriber.groupNumber !== undefined && !isX12Identifier(subscriber.groupNumber, 1, 50))
		refuse('subscriber.groupNumber'); // 2100C REF02
	if (subscriber.gender !== undefined && !['F', 'M', 'U'].includes(subscriber.gender))
		refuse('subscriber.gender');
	const extra = [...new Set(input.extraServiceTypes ?? [])].filter((code) => code !== '30');
	// EQ01 service type codes are 1-2 characters; 2110C repeats at most 99 times.
	if (extra.some((code) => !/^[A-Z0-9]{1,2}$/.test(code)) || extra.length > 98) refuse('extraServiceTypes');
	return {
		birthDate: isoDateToD8(subscriber.birthDate) ?? refuse('subscriber.birthDate'),
		serviceDate: isoDateToD8(input.dateOfService) ?? refuse('dateOfService'),
		extra
	};
}

/**
 * Builds a 270 eligibility inquiry for one subscriber: Health Benefit Plan Coverage (EQ*30) plus one
 * EQ per extra service type. Names are cleaned of delimiters; identifiers that cannot be written
 * exactly are refused with a RangeError naming the field.
 */
export function build270(input: EligibilityRequest, control: InterchangeControl): string {
	const { payer, provider, subscriber } = input;
	const { birthDate, serviceDate, extra } = checked(input, control);
	const trace = traceNumberOf(control);
	const s = (tag: string, ...elements: string[]): Segment => ({ tag, elements });
	const segments: Segment[] = [
		// BHT01 0022 (information source, receiver, subscriber or dependent), BHT02 13 (request);
		// BHT03 is required in real time and comes back in the 271's BHT03.
		s('BHT', '0022', '13', trace, d8(control.now), hhmm(control.now)),
		// 2000A Information Source: HL03 20, HL04 1 (has children).
		s('HL', '1', '', '20', '1'),
		// 2100A NM1*PR, entity 2 (non-person), NM108 PI (payor identification).
		s('NM1', 'PR', '2', required(payer.name, 60, 'payer.name'), '', '', '', '', 'PI', payer.id),
		// 2000B Information Receiver: HL03 21, child of HL 1.
		s('HL', '2', '1', '21', '1'),
		// 2100B NM1*1P (provider), entity 2 (the clinic, an organization), NM108 XX (NPI).
		s('NM1', '1P', '2', required(provider.name, 60, 'provider.name'), '', '', '', '', 'XX', provider.npi),
		// 2000C Subscriber: HL03 22, HL04 0 (no dependent loop: the subscriber is the patient).
		s('HL', '3', '2', '22', '0'),
		// 2000C TRN01 1 (current transaction trace number); TRN03 is 10 characters, the first '9'
		// for an identifier the originator assigns itself (here from the sender id).
		s('TRN', '1', trace, originatorId(input.sender.id)),
		// 2100C NM1*IL, entity 1 (person), NM103 last name (required: payers search on member id with
		// the name and birth date), NM104 first name (left empty when nothing of it can be written),
		// NM108 MI (member id).
		s(
			'NM1',
			'IL',
			'1',
			required(subscriber.familyName, 60, 'subscriber.familyName'),
			x12Text(subscriber.givenName, 35),
			'',
			'',
			'',
			'MI',
			subscriber.memberId
		),
		// 2100C REF01 6P: group number, when known.
		...(subscriber.groupNumber ? [s('REF', '6P', subscriber.groupNumber)] : []),
		// 2100C DMG01 D8 (CCYYMMDD) birth date, DMG03 gender when known.
		s('DMG', 'D8', birthDate, ...(subscriber.gender ? [subscriber.gender] : [])),
		// 2100C DTP01 291 (plan), D8: the date of service the answer must be about.
		s('DTP', '291', 'D8', serviceDate),
		// 2110C EQ01 30: Health Benefit Plan Coverage, the generic inquiry every payer answers.
		s('EQ', '30'),
		...extra.map((code) => s('EQ', code))
	];
	return writeInterchange({
		// GS01 HS: Eligibility, Coverage or Benefit Inquiry (270).
		...envelopeHeaders({
			sender: input.sender.id,
			receiver: input.receiver.id,
			at: control.now,
			interchange: control.interchange,
			group: control.group,
			usage: input.usage,
			functionalId: 'HS'
		}),
		st: ['270', control.transaction, IMPLEMENTATION],
		segments
	});
}

/** TRN03: '9' and nine characters of the sender id (letters and digits, padded with zeros). */
function originatorId(senderId: string): string {
	return `9${senderId
		.toUpperCase()
		.replace(/[^A-Z0-9]/g, '')
		.slice(0, 9)
		.padEnd(9, '0')}`;
}

export type Parse271Options = {
	/** EB03 codes that mean telehealth for this payer (its companion guide); default none. */
	telehealthServiceTypes?: readonly string[];
};

// X279A1 AAA03 at the subscriber or patient: 72 invalid/missing subscriber id, 73 invalid/missing
// subscriber name, 75 subscriber not found, 76 duplicate subscriber id; 67 patient not found.
const NOT_FOUND = new Set(['67', '72', '73', '75', '76']);

/**
 * Reads a 271 answer. Never throws: anything that is not one complete, well-counted 005010X279A1
 * 271 is 'unreadable' with a reason, as is a 271 that states no coverage status.
 */
export function parse271(text: string, options: Parse271Options = {}): EligibilityResult {
	try {
		return interpret(text, options);
	} catch {
		return { outcome: 'unreadable', telehealth: 'unknown', messages: [], reason: 'malformed' };
	}
}

function interpret(text: string, options: Parse271Options): EligibilityResult {
	const read = readInterchange(text);
	if (!read.ok) return { outcome: 'unreadable', telehealth: 'unknown', messages: [], reason: read.reason };
	const { gs, st, segments, repetitionSeparator: rep } = read.read;
	const bht = segments[0];
	const is271 =
		element(st, 1) === '271' &&
		element(gs, 1) === 'HB' && // GS01 HB: Eligibility, Coverage or Benefit Information
		element(gs, 8) === IMPLEMENTATION &&
		[IMPLEMENTATION, ''].includes(element(st, 3)) &&
		bht?.tag === 'BHT' &&
		element(bht, 1) === '0022' &&
		element(bht, 2) === '11'; // BHT02 11: response
	if (!is271) return { outcome: 'unreadable', telehealth: 'unknown', messages: [], reason: 'not_271' };

	const found = gather(segments);
	const common = {
		messages: found.messages,
		...(found.traceNumber ? { traceNumber: found.traceNumber } : {}),
		...(found.rejectReasons.length ? { rejectReasons: found.rejectReasons } : {})
	};
	if (found.rejectReasons.some((code) => NOT_FOUND.has(code)))
		return { outcome: 'not_found', telehealth: 'unknown', ...common };
	const coverage = coverageStatus(found.lines, rep);
	if (!coverage) {
		// Rejected (e.g. AAA 42, payer unable to respond) or silent: either way nothing to go on.
		const reason = found.rejectReasons.length ? 'rejected' : 'no_status';
		return { outcome: 'unreadable', telehealth: 'unknown', ...common, reason };
	}
	return {
		outcome: coverage.status,
		...(coverage.plan ? { plan: coverage.plan } : {}),
		...(found.groupNumber ? { groupNumber: found.groupNumber } : {}),
		copay: copays(found.lines, rep),
		// Telehealth benefits of an inactive member are moot: reported unknown, not guessed.
		telehealth:
			coverage.status === 'active'
				? telehealthBenefit(found.lines, rep, options.telehealthServiceTypes)
				: 'unknown',
		...common
	};
}
