import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { FhirError } from '../integrations/fhir/client';
import type { PhiCipher } from '../platform/crypto/phi';
import { enqueue } from '../platform/outbox/outbox';
import { PermanentDeliveryError, type Transport } from '../platform/outbox/transport';
import type { Database } from '../platform/schema';
import type { Appointment } from '../scheduling/repository';
import { DocumentPayload, syncDocument } from './documents';
import { EncounterPayload, syncEncounter } from './encounter';
import { QuestionnaireResponsePayload, syncQuestionnaireResponse } from './questionnaire-response';
import { EhrSyncRefused, syncAppointment, type EhrSyncDeps } from './sync';

const SyncPayload = v.variant('kind', [
	v.object({
		kind: v.literal('appointment'),
		appointmentId: v.string(),
		overwrite: v.optional(v.boolean())
	}),
	DocumentPayload,
	EncounterPayload,
	QuestionnaireResponsePayload
]);

/**
 * Queues the appointment for the EHR, in the transaction that changed it. The message names the
 * appointment only: delivery writes its state at that moment, so late or repeated deliveries agree.
 * `overwrite`: staff chose AnyVisit's state over a conflicting change in the EHR.
 */
export async function enqueueAppointmentSync(
	tx: Kysely<Database>,
	phi: PhiCipher,
	appointment: Pick<Appointment, 'id' | 'organizationId'>,
	now: Date,
	options: { overwrite?: boolean } = {}
): Promise<void> {
	await enqueue(
		tx,
		phi,
		{
			channel: 'fhir',
			payload: {
				kind: 'appointment',
				appointmentId: appointment.id,
				...(options.overwrite ? { overwrite: true } : {})
			},
			// One message per change (two changes may share a millisecond): the key only guards a replay.
			idempotencyKey: `ehr:appointment:${appointment.id}:${randomUUID()}`,
			// One write at a time per appointment: two first deliveries at once could create it twice.
			orderKey: `fhir:appointment:${appointment.id}`,
			organizationId: appointment.organizationId
		},
		{ now, maxAttempts: 12 }
	);
}

/** Delivers 'fhir' outbox messages (appointments, signed documents) to the EHR; what no retry can fix becomes a dead letter at once. */
export function ehrTransport(deps: EhrSyncDeps): Transport {
	return {
		channel: 'fhir',
		async deliver(message) {
			const payload = v.safeParse(SyncPayload, message.payload);
			if (!payload.success) throw new PermanentDeliveryError('The EHR sync payload is not valid');
			try {
				const sync = payload.output;
				if (sync.kind === 'questionnaire-response') {
					const { ehrId } = await syncQuestionnaireResponse(deps, sync.response);
					return { remoteId: `QuestionnaireResponse/${ehrId}` };
				}
				if (sync.kind === 'encounter') {
					const { ehrId } = await syncEncounter(deps, sync.visit);
					return { remoteId: `Encounter/${ehrId}` };
				}
				if (sync.kind === 'document') {
					const { ehrId } = await syncDocument(deps, sync.document);
					return { remoteId: `DocumentReference/${ehrId}` };
				}
				const { ehrId } = await syncAppointment(deps, sync.appointmentId, {
					overwrite: sync.overwrite ?? false
				});
				return { remoteId: `Appointment/${ehrId}` };
			} catch (error) {
				if (error instanceof EhrSyncRefused) throw new PermanentDeliveryError(error.message);
				if (error instanceof FhirError && !error.retryable) throw new PermanentDeliveryError(error.message);
				throw error;
			}
		}
	};
}
