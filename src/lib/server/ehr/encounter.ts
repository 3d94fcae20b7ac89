import type { Encounter } from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { PhiCipher } from '../platform/crypto/phi';
import { enqueue } from '../platform/outbox/outbox';
import type { Database } from '../platform/schema';
import { identifierSystem } from './resources';
import { resolveEhrPatient, resolveEhrPractitioner, type EhrSyncDeps } from './sync';

/** A finished visit as it goes to the EHR: who, when, and the modality timeline (no clinical content). */
export const FinishedVisit = v.object({
	appointmentId: v.pipe(v.string(), v.uuid()),
	organizationId: v.string(),
	patientId: v.string(),
	clinicianId: v.string(),
	start: v.pipe(v.string(), v.isoTimestamp()),
	end: v.pipe(v.string(), v.isoTimestamp()),
	modalities: v.array(v.picklist(['video', 'audio', 'phone']))
});
export type FinishedVisit = v.InferOutput<typeof FinishedVisit>;

export const EncounterPayload = v.object({ kind: v.literal('encounter'), visit: FinishedVisit });

/** Queues the visit's Encounter for the EHR in the transaction that ends it (once per visit). */
export async function enqueueEncounter(
	tx: Kysely<Database>,
	phi: PhiCipher,
	visit: FinishedVisit,
	now: Date
): Promise<void> {
	await enqueue(
		tx,
		phi,
		{
			channel: 'fhir',
			payload: { kind: 'encounter', visit },
			idempotencyKey: `ehr:encounter:${visit.appointmentId}`,
			organizationId: visit.organizationId
		},
		{ now, maxAttempts: 12 }
	);
}

/**
 * The FHIR R4 Encounter of a telehealth visit: class VR (virtual, v3 ActCode), finished, its period
 * and length, the patient and the clinician, the appointment it fulfils (by AnyVisit's identifier),
 * and the modalities used, in order, as its type text (the note's attestation has the times).
 */
export function encounterResource(
	visit: FinishedVisit,
	refs: { patient: string; practitioner: string; baseUrl: string }
): Encounter {
	const minutes = Math.round((Date.parse(visit.end) - Date.parse(visit.start)) / 60_000);
	return {
		resourceType: 'Encounter',
		identifier: [{ system: identifierSystem(refs.baseUrl, 'encounter'), value: visit.appointmentId }],
		status: 'finished',
		class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' },
		type: [{ text: `Telehealth visit (${[...new Set(visit.modalities)].join(', ')})` }],
		subject: { reference: refs.patient },
		participant: [{ individual: { reference: refs.practitioner } }],
		appointment: [
			{
				type: 'Appointment',
				identifier: { system: identifierSystem(refs.baseUrl, 'appointment'), value: visit.appointmentId }
			}
		],
		period: { start: visit.start, end: visit.end },
		length: { value: minutes, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' }
	};
}

/** Writes the Encounter once: a conditional create on its identifier, so a retry finds it. */
export async function syncEncounter(deps: EhrSyncDeps, visit: FinishedVisit): Promise<{ ehrId: string }> {
	const resource = encounterResource(visit, {
		patient: await resolveEhrPatient(deps, visit.patientId),
		practitioner: await resolveEhrPractitioner(deps, visit.clinicianId),
		baseUrl: deps.baseUrl
	});
	const { resource: written } = await deps.fhir.create(resource, {
		ifNoneExist: `identifier=${identifierSystem(deps.baseUrl, 'encounter')}|${visit.appointmentId}`
	});
	return { ehrId: written.id };
}
