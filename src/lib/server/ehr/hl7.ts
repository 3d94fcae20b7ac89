import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { sendOverMllp, type MllpPeer } from '../integrations/hl7v2/mllp';
import { buildSiu, type SiuEvent } from '../integrations/hl7v2/siu';
import { readOrganization } from '../organizations/repository';
import { readPatient } from '../patients/repository';
import type { Clock } from '../platform/clock';
import type { PhiCipher } from '../platform/crypto/phi';
import { enqueue } from '../platform/outbox/outbox';
import { PermanentDeliveryError, type Transport } from '../platform/outbox/transport';
import type { Database } from '../platform/schema';
import { readAppointment, type Appointment } from '../scheduling/repository';

const SiuPayload = v.object({
	kind: v.literal('siu'),
	appointmentId: v.string(),
	event: v.picklist(['S12', 'S13', 'S14', 'S15'])
});

/** Queues the SIU message for a booking change, in its transaction (S12 booked, S13 moved, S15 cancelled). */
export async function enqueueSiu(
	tx: Kysely<Database>,
	phi: PhiCipher,
	appointment: Pick<Appointment, 'id' | 'organizationId'>,
	event: SiuEvent,
	now: Date
): Promise<void> {
	await enqueue(
		tx,
		phi,
		{
			channel: 'hl7v2',
			payload: { kind: 'siu', appointmentId: appointment.id, event },
			idempotencyKey: `hl7:siu:${appointment.id}:${event}:${randomUUID()}`,
			organizationId: appointment.organizationId
		},
		{ now, maxAttempts: 12 }
	);
}

/** "Dr. Daniel Reyes" or "Samira Haddad, PMHNP" as given and family names for AIP. */
function nameParts(displayName: string): { givenName: string; familyName: string } {
	const [given = '', ...rest] = displayName
		.replace(/^Dr\.\s+/, '')
		.replace(/,.*$/, '')
		.trim()
		.split(/\s+/);
	return { givenName: given, familyName: rest.join(' ') };
}

export type Hl7Deps = {
	db: Kysely<Database>;
	phi: PhiCipher;
	clock: Clock;
	peer: MllpPeer;
	receiving: { application: string; facility: string };
	/** The assigning authority of the clinic's MRNs (PID-3.4). */
	mrnAuthority: string;
};

/**
 * Delivers 'hl7v2' outbox messages: the SIU is built from the appointment's state at delivery, its
 * control id is the outbox id (stable across retries, so the receiver can spot a repeat), and only
 * an AA answering that id counts as delivered. AR (rejected) is a dead letter at once; AE (an error
 * at the receiver), silence and a refused connection are retried.
 */
export function hl7Transport(deps: Hl7Deps): Transport {
	return {
		channel: 'hl7v2',
		async deliver(message) {
			const payload = v.safeParse(SiuPayload, message.payload);
			if (!payload.success) throw new PermanentDeliveryError('The HL7 payload is not valid');
			const appointment = await readAppointment(deps.db, payload.output.appointmentId);
			if (!appointment) throw new PermanentDeliveryError('The appointment no longer exists');
			const patient = await readPatient(deps.db, deps.phi, appointment.patientId);
			if (!patient) throw new PermanentDeliveryError('The patient no longer exists');
			const clinician = await deps.db
				.selectFrom('staff')
				.select(['display_name', 'npi'])
				.where('id', '=', appointment.clinicianId)
				.executeTakeFirstOrThrow();
			const organization = await readOrganization(deps.db, appointment.organizationId);
			const er7 = buildSiu({
				event: payload.output.event,
				controlId: message.id,
				sentAt: deps.clock.now(),
				sending: { application: 'ANYVISIT', facility: organization.name },
				receiving: deps.receiving,
				appointment: {
					id: appointment.id,
					start: appointment.start,
					end: appointment.end,
					status: appointment.status,
					visitTypeCode: appointment.visitTypeCode,
					modality: appointment.modality
				},
				patient: {
					id: patient.id,
					mrn: patient.mrn,
					mrnAuthority: deps.mrnAuthority,
					givenName: patient.givenName,
					familyName: patient.familyName,
					birthDate: patient.birthDate
				},
				clinician: { npi: clinician.npi, ...nameParts(clinician.display_name) }
			});
			const ack = await sendOverMllp(deps.peer, er7);
			if (ack.code === 'AA' && ack.controlId === message.id) return { remoteId: message.id };
			if (ack.code === 'AR' || ack.code === 'CR') {
				// Only the code: a receiver's error text may repeat patient details, and this ends up in logs.
				throw new PermanentDeliveryError(`The HL7 receiver rejected the message (${ack.code})`);
			}
			throw new Error(
				`The HL7 receiver did not accept the message (${ack.code || 'no acknowledgment code'})`
			);
		}
	};
}
