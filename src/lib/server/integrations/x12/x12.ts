/**
 * The one door to node-x12 (ASC X12 005010 syntax): writing an interchange of one transaction set
 * and reading one back with its envelope checked. The rest of this folder speaks X12 through these
 * functions and plain `Segment` values, so the library is imported here only.
 */
import {
	JSEDINotation,
	X12Generator,
	X12Interchange,
	X12Parser,
	X12QueryEngine,
	type X12SerializationOptions
} from 'node-x12';

/** A segment as plain data: its tag and its elements (element n is `elements[n - 1]`). */
export type Segment = { tag: string; elements: readonly string[] };

/** What AnyVisit writes: `*` elements, `~` segments, `:` components (ISA16), `^` repetitions (ISA11). */
const WRITE_OPTIONS: X12SerializationOptions = {
	elementDelimiter: '*',
	segmentTerminator: '~',
	subElementDelimiter: ':',
	repetitionDelimiter: '^',
	endOfLine: '',
	format: false
};

/** X12 has no escape character (005010 has no release character): these may never appear in data. */
const DELIMITERS = /[*~:^]/g;

/** Element n (1-based) of a segment, or '' when the segment is shorter. */
export function element(segment: Segment, position: number): string {
	return segment.elements[position - 1] ?? '';
}

/** Builds a segment from `TAG*E1*E2...` notation, for code and tests that read like the guide. */
export function segment(text: string): Segment {
	const [tag = '', ...elements] = text.split('*');
	return { tag, elements };
}

/**
 * Free text (a name) made safe for an element: letters lose their accents, the delimiters and
 * anything outside printable ASCII go (ASC X12 005010 basic and extended character sets), and the
 * result is upper-cased, as payers match names, and cut to the element's maximum length.
 */
export function x12Text(text: string, maxLength: number): string {
	return text
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toUpperCase()
		.replace(DELIMITERS, ' ')
		.replace(/\s/g, ' ')
		.replace(/[^\x20-\x7E]/g, '')
		.replace(/ +/g, ' ')
		.trim()
		.slice(0, maxLength)
		.trimEnd();
}

/** An identifier fit for an element as is: printable ASCII, no delimiter, no edge spaces, within bounds. */
export function isX12Identifier(value: unknown, min: number, max: number): value is string {
	return (
		typeof value === 'string' &&
		value.length >= min &&
		value.length <= max &&
		/^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/.test(value) &&
		!new RegExp(DELIMITERS.source).test(value)
	);
}

/** Envelope header values: who sends to whom, when, under which control numbers. */
export type EnvelopeHeader = {
	sender: string;
	receiver: string;
	at: Date;
	/** ISA13 and GS06. */
	interchange: string | number;
	group: string | number;
	/** ISA15: T test, P production. */
	usage: string;
	/** GS01: HS for a 270, HB for a 271, HC for an 837. */
	functionalId: string;
	/** GS08: the implementation guide (005010X279A1 eligibility unless given, 005010X222A1 for an 837P). */
	implementation?: string;
};

/**
 * ISA and GS as AnyVisit writes them (ASC X12 005010 envelope, X279A1 appendix B): ISA01/03 00, no
 * authorization or security information; ISA05/07 ZZ, mutually defined ids; ISA09/10 and GS04/05 in
 * UTC; ISA11 '^' repetition separator; ISA12 00501; ISA14 0, no TA1 asked; ISA16 ':' component
 * separator; GS07 X (ASC X12) and GS08 the implementation guide, 005010X279A1.
 */
export function envelopeHeaders(h: EnvelopeHeader): { isa: string[]; gs: string[] } {
	const [date, time] = [d8(h.at), hhmm(h.at)];
	return {
		isa: ['00', '', '00', '', 'ZZ', h.sender, 'ZZ', h.receiver, date.slice(2), time, '^', '00501'].concat([
			String(h.interchange),
			'0',
			h.usage,
			':'
		]),
		gs: [
			h.functionalId,
			h.sender,
			h.receiver,
			date,
			time,
			String(h.group),
			'X',
			h.implementation ?? '005010X279A1'
		]
	};
}

export type InterchangeSpec = {
	/** ISA01..ISA16; ISA16 is always written as ':' whatever is given. */
	isa: string[];
	/** GS01..GS08. */
	gs: string[];
	/** ST01..ST03. */
	st: string[];
	/** The transaction set body, between ST and SE. */
	segments: readonly Segment[];
};

/**
 * Writes an interchange of one functional group of one transaction set. node-x12 writes the
 * trailers (SE01 segment count, GE01 and IEA01 counts, the control numbers echoed in SE02, GE02
 * and IEA02), pads the fixed-length ISA, and parses the result strictly before returning it.
 */
export function writeInterchange(spec: InterchangeSpec): string {
	const jsen = new JSEDINotation([...spec.isa], WRITE_OPTIONS);
	const transaction = jsen.addFunctionalGroup([...spec.gs]).addTransaction([...spec.st]);
	for (const s of spec.segments) {
		// ASC X12 syntax: a segment never ends with an empty element (no trailing delimiters).
		const elements = [...s.elements];
		while (elements.length > 1 && elements[elements.length - 1] === '') elements.pop();
		transaction.addSegment(s.tag, elements);
	}
	return new X12Generator(jsen, WRITE_OPTIONS).toString();
}

/**
 * Why a text is not one readable transaction set: not X12 at all; refused by node-x12's strict parser
 * (a count or control number that does not match, a segment outside its envelope, a damaged ISA);
 * cut off before a trailer; or more than one interchange, group or transaction set.
 */
export type ReadFailure = 'not_x12' | 'malformed' | 'truncated' | 'unexpected_structure';

/** One transaction set read from an interchange, with its envelope. */
export type ReadTransaction = {
	isa: Segment;
	gs: Segment;
	st: Segment;
	/** Between ST and SE, in order. */
	segments: Segment[];
	/** ISA11 when it is a separator (005010); '' when the sender used none. */
	repetitionSeparator: string;
	/** For `query`: the parsed interchange, opaque outside this file. */
	interchange: unknown;
};

function plain(s: { tag: string; elements: { value: string }[] }): Segment {
	return { tag: s.tag, elements: s.elements.map((e) => e.value ?? '') };
}

/**
 * Parses a text holding exactly one interchange with one functional group of one transaction set.
 * node-x12's strict parser checks the counts and control numbers of every trailer it meets; a
 * trailer that never came (SE, GE or IEA missing: a cut-off answer) is checked here. Never throws.
 */
export function readInterchange(
	text: unknown
): { ok: true; read: ReadTransaction } | { ok: false; reason: ReadFailure } {
	if (typeof text !== 'string') return { ok: false, reason: 'not_x12' };
	// The ISA is fixed-length and must come first: delimiters are read at fixed offsets from it.
	const edi = text.replace(/^\uFEFF/, '').trimStart();
	if (!edi.startsWith('ISA')) return { ok: false, reason: 'not_x12' };
	let parsed: unknown;
	try {
		parsed = new X12Parser(true).parse(edi);
	} catch {
		return { ok: false, reason: 'malformed' };
	}
	// A fat interchange (several ISA...IEA) is not what one real-time inquiry gets back.
	if (!(parsed instanceof X12Interchange)) return { ok: false, reason: 'unexpected_structure' };
	const interchange = parsed;
	if (!interchange.header) return { ok: false, reason: 'malformed' };
	if (!interchange.trailer) return { ok: false, reason: 'truncated' };
	if (interchange.functionalGroups.length !== 1) return { ok: false, reason: 'unexpected_structure' };
	const group = interchange.functionalGroups[0]!;
	if (!group.header || !group.trailer) return { ok: false, reason: 'truncated' };
	if (group.transactions.length !== 1) return { ok: false, reason: 'unexpected_structure' };
	const transaction = group.transactions[0]!;
	if (!transaction.header || !transaction.trailer) return { ok: false, reason: 'truncated' };
	const isa = plain(interchange.header);
	const isa11 = element(isa, 11);
	return {
		ok: true,
		read: {
			isa,
			gs: plain(group.header),
			st: plain(transaction.header),
			segments: transaction.segments.map(plain),
			// Before 005010, ISA11 was a standards identifier (often 'U'), not a separator.
			repetitionSeparator: /^[^A-Za-z0-9 ]$/.test(isa11) ? isa11 : '',
			interchange
		}
	};
}

/** Every value a node-x12 query (e.g. `NM109:NM101["IL"]`) selects in a transaction read above. */
export function query(read: ReadTransaction, reference: string): string[] {
	if (!(read.interchange instanceof X12Interchange)) return [];
	return new X12QueryEngine(true)
		.query(read.interchange, reference)
		.map((result) => result.value)
		.filter((value): value is string => typeof value === 'string');
}

/** CCYYMMDD (D8) of an instant, in UTC. */
export function d8(at: Date): string {
	return at.toISOString().slice(0, 10).replace(/-/g, '');
}

/** HHMM of an instant, in UTC. */
export function hhmm(at: Date): string {
	return at.toISOString().slice(11, 16).replace(':', '');
}

/** A calendar date 'YYYY-MM-DD' as D8, or undefined when it is not a real date. */
export function isoDateToD8(date: unknown): string | undefined {
	if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
	const at = new Date(`${date}T00:00:00Z`);
	return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(date)
		? date.replace(/-/g, '')
		: undefined;
}
