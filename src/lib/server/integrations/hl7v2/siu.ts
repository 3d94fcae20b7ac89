/**
 * HL7 v2.5.1 scheduling messages (SIU) in ER7 form, as an EHR's interface engine expects them:
 * S12 a new booking, S13 a reschedule, S14 a change of details, S15 a cancellation. Segments
 * MSH, SCH, PID, RGS, AIS and AIP (HL7 v2.5.1 chapter 10); the message names no diagnosis or reason.
 */

import { clinicianXcn, escapeHl7, hl7Time, mshSegment, pidSegment, type Hl7Patient, type Party } from './er7';

export type SiuEvent = 'S12' | 'S13' | 'S14' | 'S15';

export type SiuInput = {
	event: SiuEvent;
	controlId: string;
	sentAt: Date;
	sending: Party;
	receiving: Party;
	appointment: {
		id: string;
		start: Date;
		end: Date;
		status: 'booked' | 'confirmed' | 'cancelled' | 'completed' | 'no_show';
		visitTypeCode: string;
		modality: string;
	};
	patient: Hl7Patient;
	clinician: { npi: string | null; givenName: string; familyName: string };
};

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
	const msh = mshSegment({
		sending: input.sending,
		receiving: input.receiving,
		sentAt: input.sentAt,
		messageType: `SIU^${input.event}^SIU_S12`,
		controlId: input.controlId
	});
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
	const pid = pidSegment(p);
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
		clinicianXcn(c),
		'ATTENDING',
		hl7Time(a.start),
		'',
		'',
		String(minutes),
		'MIN'
	].join('|');
	return [msh, sch, pid, rgs, ais, aip].join('\r');
}
