/**
 * The payer behind the sandbox clearinghouse: it reads a 270 and answers the 271 a real payer would,
 * chosen by the member id's prefix so that every outcome can be tried without a contract:
 *
 * | member id starts with | answer |
 * |---|---|
 * | ACT-TH | active; telehealth covered (EB*1 with place of service 10, telehealth) and a $20 copay |
 * | ACT-NT | active; telehealth not covered (EB*I with place of service 10) |
 * | INACT | inactive (EB*6) |
 * | NOTFOUND | subscriber not found (AAA*N**75*C) |
 * | GARBLED | a 271 cut off before its trailers |
 * | anything else | active, an office visit copay, nothing said about telehealth |
 */
import {
	d8,
	element,
	envelopeHeaders,
	hhmm,
	query,
	readInterchange,
	segment,
	writeInterchange,
	type Segment
} from './x12';

const PLAN = 'ANYVISIT SANDBOX PPO';

const s = segment;

/** The benefit loops (2110C) for a member id, or the subscriber-level AAA when not found. */
function benefits(memberId: string, serviceYear: number): Segment[] {
	const id = memberId.toUpperCase();
	if (id.startsWith('NOTFOUND')) return [s('AAA*N**75*C')];
	if (id.startsWith('INACT')) return [s(`EB*6*IND*30*PR*${PLAN}`), s(`DTP*347*D8*${serviceYear - 1}1231`)];
	const plan = s(`EB*1*IND*30*PR*${PLAN}`);
	if (id.startsWith('ACT-TH'))
		return [
			plan,
			s('EB*1*IND*98'),
			s('MSG*TELEHEALTH VISITS COVERED'),
			s('III*ZZ*10'),
			s('EB*B*IND*98*PR**27*20*****Y'),
			s('MSG*TELEHEALTH VISIT COPAY'),
			s('III*ZZ*10')
		];
	if (id.startsWith('ACT-NT'))
		return [
			plan,
			s('EB*I*IND*98'),
			s('MSG*TELEHEALTH SERVICES ARE NOT A COVERED BENEFIT'),
			s('III*ZZ*10'),
			s('EB*B*IND*98*PR**27*35*****Y')
		];
	return [plan, s('EB*B*IND*98*PR**27*25*****Y')];
}

/**
 * The 271 answering a 270, or undefined when the request is not a readable 270. It echoes what a
 * 271 echoes (X279A1): BHT03, the parties, the subscriber as asked and the 270's TRN as TRN01 '2'.
 * Values read from the 270 were elements there, so they hold no delimiter and are written as is.
 */
export function sandbox271(request270: string, now: Date): string | undefined {
	const read = readInterchange(request270);
	if (!read.ok || element(read.read.st, 1) !== '270') return undefined;
	const { isa, gs } = read.read;
	const first = (reference: string) => query(read.read, reference)[0] ?? '';
	const memberId = first('NM109:NM101["IL"]');
	const serviceYear = Number((first('DTP03:DTP01["291"]') || d8(now)).slice(0, 4));
	const found = !memberId.toUpperCase().startsWith('NOTFOUND');
	const text = writeInterchange({
		// The 270's receiver answers its sender, under the same control numbers and usage.
		...envelopeHeaders({
			sender: element(isa, 8).trim(),
			receiver: element(isa, 6).trim(),
			at: now,
			interchange: element(isa, 13),
			group: element(gs, 6),
			usage: element(isa, 15),
			functionalId: 'HB'
		}),
		st: ['271', '0001', '005010X279A1'],
		segments: [
			`BHT*0022*11*${first('BHT03')}*${d8(now)}*${hhmm(now)}`,
			'HL*1**20*1',
			`NM1*PR*2*${first('NM103:NM101["PR"]')}*****PI*${first('NM109:NM101["PR"]')}`,
			'HL*2*1*21*1',
			`NM1*1P*2*${first('NM103:NM101["1P"]')}*****XX*${first('NM109:NM101["1P"]')}`,
			'HL*3*2*22*0',
			`TRN*2*${first('TRN02:TRN01["1"]')}*${first('TRN03:TRN01["1"]')}`,
			`NM1*IL*1*${first('NM103:NM101["IL"]')}*${first('NM104:NM101["IL"]')}****MI*${memberId}`,
			...(found ? [`REF*6P*${first('REF02:REF01["6P"]') || 'SBX-100'}`, `DMG*D8*${first('DMG02')}`] : [])
		]
			.map(s)
			.concat(benefits(memberId, serviceYear))
	});
	// A connection dropped mid-answer: everything up to the last benefit, no SE, GE or IEA.
	return memberId.toUpperCase().startsWith('GARBLED') ? text.slice(0, text.lastIndexOf('~SE*') + 1) : text;
}
