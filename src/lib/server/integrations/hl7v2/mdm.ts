/**
 * HL7 v2.5.1 document messages (MDM) in ER7 form: T02, a new document with its content, for a signed
 * visit note (an addendum names the note it adds to in TXA-13). Segments MSH, EVN, PID, PV1, TXA and
 * one OBX per line of text (HL7 v2.5.1 chapter 9, MDM_T02).
 */
import { clinicianXcn, escapeHl7, hl7Time, mshSegment, pidSegment, type Hl7Patient, type Party } from './er7';

export type MdmInput = {
	controlId: string;
	sentAt: Date;
	sending: Party;
	receiving: Party;
	patient: Hl7Patient;
	author: { npi: string | null; givenName: string; familyName: string };
	visitId: string;
	document: {
		id: string;
		/** The note this one adds to, for an addendum. */
		parentId?: string | undefined;
		/** TXA-2 (HL7 table 0270), e.g. PN progress note. */
		typeCode: string;
		/** The observation the text is (OBX-3), a LOINC code, e.g. 11506-3 Progress note. */
		loinc: { code: string; display: string };
		signedAt: Date;
		text: string;
	};
};

/** An OBX value may not hold a line break; each line of the note is its own OBX (an empty line stays). */
function lines(text: string): string[] {
	return text.replace(/\r\n?/g, '\n').split('\n');
}

export function buildMdmT02(input: MdmInput): string {
	const e = escapeHl7;
	const d = input.document;
	const signed = hl7Time(d.signedAt);
	const author = clinicianXcn(input.author);
	const msh = mshSegment({
		sending: input.sending,
		receiving: input.receiving,
		sentAt: input.sentAt,
		messageType: 'MDM^T02^MDM_T02',
		controlId: input.controlId
	});
	const evn = ['EVN', 'T02', hl7Time(input.sentAt)].join('|');
	const pv1 = [
		'PV1',
		'1',
		'O',
		'',
		'',
		'',
		'',
		author,
		...Array<string>(11).fill(''),
		`${e(input.visitId)}^^^ANYVISIT^VN`
	].join('|');
	const txa = [
		'TXA',
		'1',
		e(d.typeCode),
		'TX',
		signed,
		author,
		signed,
		'',
		'',
		author,
		author,
		'',
		`${e(d.id)}^ANYVISIT`,
		d.parentId ? `${e(d.parentId)}^ANYVISIT` : '',
		'',
		'',
		'',
		// TXA-17 AU: authenticated (signed by its author); TXA-19 AV: available for patient care (table 0271, 0273).
		'AU',
		'',
		'AV',
		'',
		'',
		// TXA-22 is a PPN: the author's XCN (9 components), then the signing time as component 15.
		`${author}^^^^^^${signed}`
	].join('|');
	const obx = lines(d.text).map((line, i) =>
		[
			'OBX',
			String(i + 1),
			'TX',
			`${e(d.loinc.code)}^${e(d.loinc.display)}^LN`,
			'',
			e(line),
			'',
			'',
			'',
			'',
			'',
			'F'
		].join('|')
	);
	return [msh, evn, pidSegment(input.patient), pv1, txa, ...obx].join('\r');
}
