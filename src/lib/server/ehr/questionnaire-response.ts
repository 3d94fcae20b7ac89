import type { QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { FREQUENCY, QUESTIONNAIRES, type QuestionnaireId } from '../intake/questionnaires';
import type { PhiCipher } from '../platform/crypto/phi';
import { enqueue } from '../platform/outbox/outbox';
import type { Database } from '../platform/schema';
import { identifierSystem } from './resources';
import { resolveEhrPatient, type EhrSyncDeps } from './sync';

/** The total score's LOINC code: PHQ-9 44261-6, GAD-7 70274-6. */
const TOTAL_SCORE: Partial<Record<QuestionnaireId, string>> = { 'phq-9': '44261-6', 'gad-7': '70274-6' };

/** A submitted intake response as it travels (sealed in the outbox): answers never change once sent. */
export const IntakeDocument = v.object({
	id: v.string(),
	appointmentId: v.string(),
	patientId: v.string(),
	organizationId: v.string(),
	questionnaire: v.picklist(Object.keys(QUESTIONNAIRES) as QuestionnaireId[]),
	answers: v.record(v.string(), v.union([v.string(), v.boolean()])),
	score: v.nullable(v.object({ total: v.number(), severity: v.string(), selfHarmAlert: v.boolean() })),
	submittedAt: v.string()
});
export type IntakeDocument = v.InferOutput<typeof IntakeDocument>;
export const QuestionnaireResponsePayload = v.object({
	kind: v.literal('questionnaire-response'),
	response: IntakeDocument
});

export async function enqueueQuestionnaireResponse(
	tx: Kysely<Database>,
	phi: PhiCipher,
	response: IntakeDocument,
	now: Date
): Promise<void> {
	await enqueue(
		tx,
		phi,
		{
			channel: 'fhir',
			payload: { kind: 'questionnaire-response', response },
			idempotencyKey: `ehr:questionnaire-response:${response.id}`,
			organizationId: response.organizationId
		},
		{ now, maxAttempts: 12 }
	);
}

/**
 * The answers as a FHIR R4 QuestionnaireResponse: completed, for the patient, pointing at the
 * questionnaire's canonical URL and the visit (by AnyVisit's appointment identifier); screener items as
 * LOINC-coded answers, and the total score as its own LOINC-coded item.
 */
export function questionnaireResponseResource(
	r: IntakeDocument,
	refs: { patient: string; baseUrl: string }
): QuestionnaireResponse {
	const q = QUESTIONNAIRES[r.questionnaire];
	const items: QuestionnaireResponseItem[] = q.items
		.filter((i) => r.answers[i.linkId] !== undefined)
		.map((i) => {
			const value = r.answers[i.linkId]!;
			if (i.kind === 'frequency') {
				const f = FREQUENCY[Number(value)]!;
				return {
					linkId: i.linkId,
					answer: [{ valueCoding: { system: 'http://loinc.org', code: f.code, display: f.display } }]
				};
			}
			if (i.kind === 'yes-no') return { linkId: i.linkId, answer: [{ valueBoolean: value === true }] };
			return { linkId: i.linkId, answer: [{ valueString: String(value) }] };
		});
	const totalCode = TOTAL_SCORE[r.questionnaire];
	if (totalCode && r.score)
		items.push({
			linkId: 'total-score',
			text: `LOINC ${totalCode}`,
			answer: [{ valueInteger: r.score.total }]
		});
	return {
		resourceType: 'QuestionnaireResponse',
		identifier: { system: identifierSystem(refs.baseUrl, 'questionnaire-response'), value: r.id },
		questionnaire: `${refs.baseUrl}/questionnaires/${r.questionnaire}`,
		status: 'completed',
		subject: { reference: refs.patient },
		authored: r.submittedAt,
		item: items
	};
}

/** Writes the response to the EHR once (conditional create on its identifier). */
export async function syncQuestionnaireResponse(
	deps: EhrSyncDeps,
	r: IntakeDocument
): Promise<{ ehrId: string }> {
	const resource = questionnaireResponseResource(r, {
		patient: await resolveEhrPatient(deps, r.patientId),
		baseUrl: deps.baseUrl
	});
	const { resource: written } = await deps.fhir.create(resource, {
		ifNoneExist: `identifier=${identifierSystem(deps.baseUrl, 'questionnaire-response')}|${r.id}`
	});
	return { ehrId: written.id };
}
