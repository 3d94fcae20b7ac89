/**
 * HL7 v2.5.1 scheduling messages (SIU) in ER7 form, as an EHR's interface engine expects them:
 * S12 a new booking, S13 a reschedule, S14 a change of details, S15 a cancellation. Segments
 * MSH, SCH, PID, RGS, AIS and AIP (HL7 v2.5.1 chapter 10); the message names no diagnosis or reason.
 */

export type SiuEvent = 'S12' | 'S13' | 'S14' | 'S15';

export type SiuInput = {
	event: SiuEvent;
	controlId: string;
	sentAt: Date;
	sending: { application: string; facility: string };
	receiving: { application: string; facility: string };
	appointment: {
		id: string;
		start: Date;
		end: Date;
		status: 'booked' | 'confirmed' | 'cancelled' | 'completed' | 'no_show';
		visitTypeCode: string;
		modality: string;
	};
	patient: {
		id: string;
		mrn: string | null;
		mrnAuthority: string;
		givenName: string;
		familyName: string;
		birthDate: string;
	};
	clinician: { npi: string | null; givenName: string; familyName: string };
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

// SCH-25 Filler Status Code (HL7 table 0278).
const FILLER_STATUS: Record<SiuInput['appointment']['status'], string> = {
	booked: 'Booked',
	confirmed: 'Booked',
	cancelled: 'Cancelled',
	completed: 'Complete',
	no_show: 'Noshow'
};

export function buildSiu(input: SiuInput): string {
	const { appointment: a, patient: p, clinician: c } = input;
	const minutes = Math.round((a.end.getTime() - a.start.getTime()) / 60_000);
	const e = escapeHl7;
	const msh = [
		'MSH',
		'^~\\&',
		e(input.sending.application),
		e(input.sending.facility),
		e(input.receiving.application),
		e(input.receiving.facility),
		hl7Time(input.sentAt),
		'',
		`SIU^${input.event}^SIU_S12`,
		e(input.controlId),
		'P',
		'2.5.1'
	].join('|');
	const sch = [
		'SCH',
		`${e(a.id)}^ANYVISIT`,
		'',
		'',
		'',
		'',
		'',
		'',
		`${e(a.visitTypeCode)}^${e(a.visitTypeCode)}^ANYVISIT`,
		String(minutes),
		'MIN',
		`^^${minutes}^${hl7Time(a.start)}^${hl7Time(a.end)}`,
		...Array<string>(13).fill(''),
		FILLER_STATUS[a.status]
	].join('|');
	const identifiers = [
		...(p.mrn ? [`${e(p.mrn)}^^^${e(p.mrnAuthority)}^MR`] : []),
		`${e(p.id)}^^^ANYVISIT^PI`
	].join('~');
	const pid = [
		'PID',
		'1',
		'',
		identifiers,
		'',
		`${e(p.familyName)}^${e(p.givenName)}`,
		'',
		p.birthDate.replace(/-/g, '')
	].join('|');
	const rgs = 'RGS|1|A';
	const ais = [
		'AIS',
		'1',
		'A',
		`${e(a.visitTypeCode)}^${e(a.modality)}^ANYVISIT`,
		hl7Time(a.start),
		'',
		'',
		String(minutes),
		'MIN'
	].join('|');
	const aip = [
		'AIP',
		'1',
		'A',
		`${c.npi ? e(c.npi) : ''}^${e(c.familyName)}^${e(c.givenName)}^^^^^^NPI`,
		'ATTENDING',
		hl7Time(a.start),
		'',
		'',
		String(minutes),
		'MIN'
	].join('|');
	return [msh, sch, pid, rgs, ais, aip].join('\r');
}

/** The acknowledgment code of an ACK (MSA-1: AA accepted, AE error, AR rejected) and the id it answers. */
export function readAck(ack: string): { code: string; controlId: string; text: string } {
	const msa = ack.split(/\r\n?|\n/).find((s) => s.startsWith('MSA|'));
	if (!msa) return { code: '', controlId: '', text: 'no MSA segment' };
	const fields = msa.split('|');
	return { code: fields[1] ?? '', controlId: fields[2] ?? '', text: fields[3] ?? '' };
}
