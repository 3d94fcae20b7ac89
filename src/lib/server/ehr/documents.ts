import type { DocumentReference } from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { PhiCipher } from '../platform/crypto/phi';
import { enqueue } from '../platform/outbox/outbox';
import type { Database } from '../platform/schema';
import { identifierSystem } from './resources';
import { resolveEhrPatient, resolveEhrPractitioner, type EhrSyncDeps } from './sync';

/**
 * The kinds of clinical document AnyVisit writes to the EHR: the LOINC document type (FHIR
 * DocumentReference.type, HL7 OBX-3) and the HL7 document type (TXA-2, table 0270).
 */
export const DOCUMENT_KINDS = {
	'progress-note': { loinc: { code: '11506-3', display: 'Progress note' }, txa: 'PN' }
} as const;

/**
 * A signed document, as it goes out: the whole text travels in the (sealed) outbox message, because
 * a signed note never changes (corrections are addenda, which name the note they add to), so what
 * arrives in the EHR is exactly what was signed, however late the delivery.
 */
export const SignedDocument = v.object({
	id: v.pipe(v.string(), v.uuid()),
	organizationId: v.string(),
	appointmentId: v.string(),
	patientId: v.string(),
	authorId: v.string(),
	kind: v.picklist(Object.keys(DOCUMENT_KINDS) as (keyof typeof DOCUMENT_KINDS)[]),
	title: v.pipe(v.string(), v.minLength(1)),
	text: v.pipe(v.string(), v.minLength(1)),
	signedAt: v.pipe(v.string(), v.isoTimestamp()),
	parentId: v.optional(v.pipe(v.string(), v.uuid()))
});
export type SignedDocument = v.InferOutput<typeof SignedDocument>;

export const DocumentPayload = v.object({ kind: v.literal('document'), document: SignedDocument });
export const MdmPayload = v.object({ kind: v.literal('mdm'), document: SignedDocument });

/**
 * Queues a signed document for the EHR, in the transaction that signs it: a FHIR DocumentReference
 * and an HL7 MDM^T02. Each is keyed by the document, so signing twice never sends twice.
 */
export async function enqueueSignedDocument(
	tx: Kysely<Database>,
	phi: PhiCipher,
	document: SignedDocument,
	now: Date
): Promise<void> {
	const options = { now, maxAttempts: 12 };
	const organizationId = document.organizationId;
	await enqueue(
		tx,
		phi,
		{
			channel: 'fhir',
			payload: { kind: 'document', document },
			idempotencyKey: `ehr:document:${document.id}`,
			organizationId
		},
		options
	);
	await enqueue(
		tx,
		phi,
		{
			channel: 'hl7v2',
			payload: { kind: 'mdm', document },
			idempotencyKey: `hl7:mdm:${document.id}`,
			organizationId
		},
		options
	);
}

/**
 * A signed note as a FHIR R4 DocumentReference: AnyVisit's identifier, final, its LOINC type, the
 * patient, the clinician as author and authenticator, the text as a UTF-8 attachment, and the visit
 * as a logical reference (by AnyVisit's appointment identifier, so it holds before the appointment's
 * own sync lands). An addendum `appends` the note it adds to.
 */
export function documentReferenceResource(
	document: SignedDocument,
	refs: { patient: string; practitioner: string; baseUrl: string }
): DocumentReference {
	const kind = DOCUMENT_KINDS[document.kind];
	const system = identifierSystem(refs.baseUrl, 'document');
	return {
		resourceType: 'DocumentReference',
		identifier: [{ system, value: document.id }],
		status: 'current',
		docStatus: 'final',
		type: {
			coding: [{ system: 'http://loinc.org', code: kind.loinc.code, display: kind.loinc.display }],
			text: kind.loinc.display
		},
		category: [
			{
				coding: [
					{
						system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
						code: 'clinical-note',
						display: 'Clinical Note'
					}
				]
			}
		],
		subject: { reference: refs.patient },
		date: document.signedAt,
		author: [{ reference: refs.practitioner }],
		authenticator: { reference: refs.practitioner },
		description: document.title,
		...(document.parentId
			? { relatesTo: [{ code: 'appends', target: { identifier: { system, value: document.parentId } } }] }
			: {}),
		content: [
			{
				attachment: {
					contentType: 'text/plain; charset=utf-8',
					data: Buffer.from(document.text, 'utf8').toString('base64'),
					title: document.title,
					creation: document.signedAt
				}
			}
		],
		context: {
			related: [
				{
					type: 'Appointment',
					identifier: {
						system: identifierSystem(refs.baseUrl, 'appointment'),
						value: document.appointmentId
					}
				}
			]
		}
	};
}

/** Writes a signed document to the EHR once: a conditional create on its identifier, so a retry finds it. */
export async function syncDocument(
	deps: EhrSyncDeps,
	document: SignedDocument
): Promise<{ ehrId: string; created: boolean }> {
	const resource = documentReferenceResource(document, {
		patient: await resolveEhrPatient(deps, document.patientId),
		practitioner: await resolveEhrPractitioner(deps, document.authorId),
		baseUrl: deps.baseUrl
	});
	const { resource: written, created } = await deps.fhir.create(resource, {
		ifNoneExist: `identifier=${identifierSystem(deps.baseUrl, 'document')}|${document.id}`
	});
	return { ehrId: written.id, created };
}
