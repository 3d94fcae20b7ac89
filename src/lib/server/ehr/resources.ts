import type { Appointment as FhirAppointment, Patient as FhirPatient } from '@medplum/fhirtypes';
import type { Patient } from '../patients/repository';
import type { Appointment } from '../scheduling/repository';

/**
 * The identifier systems of what AnyVisit creates in the EHR: under the app's public base URL (the
 * EHR issue's public contract), so each resource can be found again by `identifier`.
 */
export function identifierSystem(
	baseUrl: string,
	kind: 'appointment' | 'patient' | 'document' | 'questionnaire-response' | 'encounter' | 'claim'
): string {
	return `${baseUrl}/identifiers/${kind}`;
}

// FHIR R4 Appointment.status (hl7.org/fhir/R4/valueset-appointmentstatus.html) for ours.
const STATUS: Record<Appointment['status'], NonNullable<FhirAppointment['status']>> = {
	booked: 'booked',
	confirmed: 'booked',
	cancelled: 'cancelled',
	completed: 'fulfilled',
	no_show: 'noshow'
};

/**
 * What AnyVisit and the EHR must agree on about an appointment: its status and times, as one string.
 * An EHR-side change to anything else (a comment, a room) is accepted without question.
 */
export function appointmentState(
	appointment: Pick<FhirAppointment, 'status' | 'start' | 'end'> | Appointment
): string {
	const iso = (at: Date | string | undefined) => (at ? new Date(at).toISOString() : '');
	const status =
		appointment.status in STATUS ? STATUS[appointment.status as Appointment['status']] : appointment.status;
	return `${status}|${iso(appointment.start)}|${iso(appointment.end)}`;
}

const MODALITY_DISPLAY: Record<Appointment['modality'], string> = {
	video: 'Telehealth visit by video',
	audio: 'Telehealth visit by audio (in the browser)',
	phone: 'Telehealth visit by telephone',
	in_person: 'In-person visit'
};

/**
 * A visit as a FHIR R4 Appointment: its business identifier, status, times, the patient and the
 * clinician as participants, the visit type and how it happens (telehealth video, audio, phone, or
 * in person) as service types. No diagnosis or reason: only what scheduling needs.
 */
export function appointmentResource(
	appointment: Appointment,
	refs: { patient: string; practitioner: string; baseUrl: string }
): FhirAppointment {
	return {
		resourceType: 'Appointment',
		identifier: [{ system: identifierSystem(refs.baseUrl, 'appointment'), value: appointment.id }],
		status: STATUS[appointment.status],
		...(appointment.status === 'cancelled' && appointment.cancelReason
			? { cancelationReason: { text: appointment.cancelReason } }
			: {}),
		serviceType: [
			{ coding: [{ system: `${refs.baseUrl}/visit-types`, code: appointment.visitTypeCode }] },
			{
				coding: [
					{
						system: `${refs.baseUrl}/modalities`,
						code: appointment.modality,
						display: MODALITY_DISPLAY[appointment.modality]
					}
				],
				text: MODALITY_DISPLAY[appointment.modality]
			}
		],
		start: appointment.start.toISOString(),
		end: appointment.end.toISOString(),
		minutesDuration: Math.round((appointment.end.getTime() - appointment.start.getTime()) / 60_000),
		created: appointment.createdAt.toISOString(),
		participant: [
			{ actor: { reference: refs.patient }, required: 'required', status: 'accepted' },
			{ actor: { reference: refs.practitioner }, required: 'required', status: 'accepted' }
		]
	};
}

/** A patient AnyVisit knows and the EHR does not yet: created with AnyVisit's identifier (and MRN). */
export function patientResource(patient: Patient, baseUrl: string, mrnSystem: string): FhirPatient {
	return {
		resourceType: 'Patient',
		identifier: [
			{ system: identifierSystem(baseUrl, 'patient'), value: patient.id },
			...(patient.mrn ? [{ system: mrnSystem, value: patient.mrn }] : [])
		],
		name: [{ given: [patient.givenName], family: patient.familyName }],
		birthDate: patient.birthDate,
		telecom: [
			...(patient.phone ? [{ system: 'phone' as const, value: patient.phone }] : []),
			...(patient.email ? [{ system: 'email' as const, value: patient.email }] : [])
		],
		communication: [
			{
				language: { coding: [{ system: 'urn:ietf:bcp:47', code: patient.preferredLanguage }] },
				preferred: true
			}
		],
		address: [{ state: patient.homeState, country: 'US' }]
	};
}
