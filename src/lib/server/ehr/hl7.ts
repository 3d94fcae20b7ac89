import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { sendOverMllp, type MllpPeer } from '../integrations/hl7v2/mllp';
import { buildMdmT02 } from '../integrations/hl7v2/mdm';
import { buildSiu, type SiuEvent } from '../integrations/hl7v2/siu';
import { readOrganization } from '../organizations/repository';
import { readPatient } from '../patients/repository';
import type { Clock } from '../platform/clock';
import type { PhiCipher } from '../platform/crypto/phi';
import { enqueue } from '../platform/outbox/outbox';
import { PermanentDeliveryError, type Transport } from '../platform/outbox/transport';
import type { Database } from '../platform/schema';
import { readAppointment, type Appointment } from '../scheduling/repository';
import { DOCUMENT_KINDS, MdmPayload } from './documents';

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
			// An interface engine must see S12 before the S13 that moves it.
			orderKey: `hl7:appointment:${appointment.id}`,
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

/** The people and places a message names: the patient (PID), a clinician (AIP, TXA), the sender (MSH). */
async function parties(
	deps: Hl7Deps,
	ids: { patientId: string; clinicianId: string; organizationId: string }
) {
	const patient = await readPatient(deps.db, deps.phi, ids.patientId);
	if (!patient) throw new PermanentDeliveryError('The patient no longer exists');
	const clinician = await deps.db
		.selectFrom('staff')
		.select(['display_name', 'npi'])
		.where('id', '=', ids.clinicianId)
		.executeTakeFirst();
	if (!clinician) throw new PermanentDeliveryError('The clinician no longer exists');
	const organization = await readOrganization(deps.db, ids.organizationId);
	return {
		sending: { application: 'ANYVISIT', facility: organization.name },
		receiving: deps.receiving,
		patient: {
			id: patient.id,
			mrn: patient.mrn,
			mrnAuthority: deps.mrnAuthority,
			givenName: patient.givenName,
			familyName: patient.familyName,
			birthDate: patient.birthDate
		},
		clinician: { npi: clinician.npi, ...nameParts(clinician.display_name) }
	};
}

/** An SIU built from the appointment's state at delivery. */
async function siuMessage(deps: Hl7Deps, controlId: string, payload: v.InferOutput<typeof SiuPayload>) {
	const appointment = await readAppointment(deps.db, payload.appointmentId);
	if (!appointment) throw new PermanentDeliveryError('The appointment no longer exists');
	const { clinician, ...rest } = await parties(deps, appointment);
	return buildSiu({
		...rest,
		clinician,
		event: payload.event,
		controlId,
		sentAt: deps.clock.now(),
		appointment: {
			id: appointment.id,
			start: appointment.start,
			end: appointment.end,
			status: appointment.status,
			visitTypeCode: appointment.visitTypeCode,
			modality: appointment.modality
		}
	});
}

/** An MDM^T02 carrying a signed document exactly as signed. */
async function mdmMessage(deps: Hl7Deps, controlId: string, payload: v.InferOutput<typeof MdmPayload>) {
	const d = payload.document;
	const { clinician, ...rest } = await parties(deps, { ...d, clinicianId: d.authorId });
	const kind = DOCUMENT_KINDS[d.kind];
	return buildMdmT02({
		...rest,
		author: clinician,
		controlId,
		sentAt: deps.clock.now(),
		visitId: d.appointmentId,
		document: {
			id: d.id,
			parentId: d.parentId,
			typeCode: kind.txa,
			loinc: kind.loinc,
			signedAt: new Date(d.signedAt),
			text: d.text
		}
	});
}

const Hl7Payload = v.variant('kind', [SiuPayload, MdmPayload]);

/**
 * Delivers 'hl7v2' outbox messages (SIU for booking changes, MDM for signed documents): the control
 * id is the outbox id (stable across retries, so the receiver can spot a repeat), and only an AA
 * answering that id counts as delivered. AR (rejected) is a dead letter at once; AE (an error at the
 * receiver), silence and a refused connection are retried.
 */
export function hl7Transport(deps: Hl7Deps): Transport {
	return {
		channel: 'hl7v2',
		async deliver(message) {
			const parsed = v.safeParse(Hl7Payload, message.payload);
			if (!parsed.success) throw new PermanentDeliveryError('The HL7 payload is not valid');
			const er7 =
				parsed.output.kind === 'siu'
					? await siuMessage(deps, message.id, parsed.output)
					: await mdmMessage(deps, message.id, parsed.output);
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
