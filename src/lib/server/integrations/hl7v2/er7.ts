/**
 * What every HL7 v2.5.1 message AnyVisit sends shares, in ER7 form: escaping, timestamps, the
 * message header (MSH) and the patient (PID), and reading the acknowledgment (MSA). HL7 v2.5.1
 * chapters 2 (control) and 3 (patient administration).
 */

export type Party = { application: string; facility: string };

export type Hl7Patient = {
	id: string;
	mrn: string | null;
	mrnAuthority: string;
	givenName: string;
	familyName: string;
	birthDate: string;
};

/** Escapes the HL7 delimiters in text (| ^ ~ \ &), HL7 v2.5.1 §2.7. */
export function escapeHl7(text: string): string {
	return text.replace(
		/[\\|^~&]/g,
		(c) => ({ '\\': '\\E\\', '|': '\\F\\', '^': '\\S\\', '~': '\\R\\', '&': '\\T\\' })[c]!
	);
}

/** An instant as HL7 DTM in UTC with its offset, e.g. 20261202150000+0000. */
export function hl7Time(at: Date): string {
	return `${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}

/** MSH: delimiters, sender and receiver, time, message type (e.g. SIU^S12^SIU_S12), control id, v2.5.1. */
export function mshSegment(header: {
	sending: Party;
	receiving: Party;
	sentAt: Date;
	messageType: string;
	controlId: string;
}): string {
	const e = escapeHl7;
	return [
		'MSH',
		'^~\\&',
		e(header.sending.application),
		e(header.sending.facility),
		e(header.receiving.application),
		e(header.receiving.facility),
		hl7Time(header.sentAt),
		'',
		header.messageType,
		e(header.controlId),
		'P',
		'2.5.1'
	].join('|');
}

/** PID: the clinic's MRN (when known) and AnyVisit's id as identifiers, name, date of birth. */
export function pidSegment(p: Hl7Patient): string {
	const e = escapeHl7;
	const identifiers = [
		...(p.mrn ? [`${e(p.mrn)}^^^${e(p.mrnAuthority)}^MR`] : []),
		`${e(p.id)}^^^ANYVISIT^PI`
	].join('~');
	return [
		'PID',
		'1',
		'',
		identifiers,
		'',
		`${e(p.familyName)}^${e(p.givenName)}`,
		'',
		p.birthDate.replace(/-/g, '')
	].join('|');
}

/** A clinician as an XCN: NPI, family and given names, with NPI as the identifier type. */
export function clinicianXcn(c: { npi: string | null; givenName: string; familyName: string }): string {
	const e = escapeHl7;
	return `${c.npi ? e(c.npi) : ''}^${e(c.familyName)}^${e(c.givenName)}^^^^^^NPI`;
}

/** The acknowledgment code of an ACK (MSA-1: AA accepted, AE error, AR rejected) and the id it answers. */
export function readAck(ack: string): { code: string; controlId: string; text: string } {
	const msa = ack.split(/\r\n?|\n/).find((s) => s.startsWith('MSA|'));
	if (!msa) return { code: '', controlId: '', text: 'no MSA segment' };
	const fields = msa.split('|');
	return { code: fields[1] ?? '', controlId: fields[2] ?? '', text: fields[3] ?? '' };
}
