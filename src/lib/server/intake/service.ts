import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import type { PhiCipher } from '../platform/crypto/phi';
import { AppError, notFound, validationFailed, type FieldIssue } from '../platform/errors';
import { tFor } from '../platform/i18n';
import { enqueue } from '../platform/outbox/outbox';
import type { Database } from '../platform/schema';
import { getAppointment } from '../scheduling/booking';
import type { Appointment } from '../scheduling/repository';
import { enqueueQuestionnaireResponse } from '../ehr/questionnaire-response';
import {
	QUESTIONNAIRES,
	isQuestionnaireId,
	questionnairesFor,
	type IntakeQuestionnaire,
	type QuestionnaireId
} from './questionnaires';
import { scoreQuestionnaire, type Answers, type Score } from './scoring';

type Executor = Kysely<Database>;

export type IntakeResponse = {
	id: string;
	questionnaire: QuestionnaireId;
	answers: Answers;
	score: Score | null;
	submittedAt: Date;
};

async function readResponses(db: Executor, phi: PhiCipher, appointmentId: string): Promise<IntakeResponse[]> {
	const rows = await db
		.selectFrom('intake_responses')
		.selectAll()
		.where('appointment_id', '=', appointmentId)
		.orderBy('submitted_at')
		.execute();
	const out: IntakeResponse[] = [];
	for (const row of rows) {
		const key = await phi.dataKey(db, row.data_key_id);
		const questionnaire = row.questionnaire as QuestionnaireId;
		const answers = JSON.parse(phi.open(key, 'intake_responses.answers', row.id, row.answers_enc)) as Answers;
		out.push({
			id: row.id,
			questionnaire,
			answers,
			score: scoreQuestionnaire(questionnaire, answers),
			submittedAt: row.submitted_at
		});
	}
	return out;
}

export type IntakeStatus = { questionnaire: QuestionnaireId; submittedAt: Date | null; items: number };

/** The questionnaires a visit asks for and which are done (the patient's own visit, or staff's). */
export async function intakeForVisit(
	ctx: ServiceContext,
	appointmentId: string
): Promise<{ appointment: Appointment; questionnaires: IntakeStatus[] }> {
	const appointment = await getAppointment(ctx, appointmentId);
	const done = await ctx.db
		.selectFrom('intake_responses')
		.select(['questionnaire', 'submitted_at'])
		.where('appointment_id', '=', appointmentId)
		.execute();
	return {
		appointment,
		questionnaires: questionnairesFor(appointment.visitTypeCode).map((id) => ({
			questionnaire: id,
			submittedAt: done.find((d) => d.questionnaire === id)?.submitted_at ?? null,
			items: QUESTIONNAIRES[id].items.length
		}))
	};
}

/** One questionnaire of a visit, to fill in: with a fresh submission id that makes sending it idempotent. */
export async function questionnaireForVisit(ctx: ServiceContext, appointmentId: string, id: string) {
	const { appointment, questionnaires } = await intakeForVisit(ctx, appointmentId);
	const status = questionnaires.find((q) => q.questionnaire === id);
	if (!status || !isQuestionnaireId(id)) throw notFound();
	return {
		appointment,
		questionnaire: QUESTIONNAIRES[id],
		submittedAt: status.submittedAt,
		submissionId: randomUUID()
	};
}

/** Checks answers against the questionnaire: required items, allowed values, lengths, no strangers. */
function validAnswers(q: IntakeQuestionnaire, given: Record<string, unknown>): Answers {
	const issues: FieldIssue[] = [];
	const answers: Answers = {};
	for (const key of Object.keys(given))
		if (!q.items.some((i) => i.linkId === key)) issues.push({ field: key, key: 'errors:field.unknown' });
	for (const item of q.items) {
		const raw = given[item.linkId];
		const text = typeof raw === 'string' ? raw.trim() : raw === undefined || raw === null ? '' : null;
		if (text === null) {
			issues.push({ field: item.linkId, key: 'errors:field.invalid' });
			continue;
		}
		if (text === '') {
			if (item.required) issues.push({ field: item.linkId, key: 'intake:answer_required' });
			continue;
		}
		if (item.kind === 'frequency' && !/^[0-3]$/.test(text))
			issues.push({ field: item.linkId, key: 'errors:field.invalid' });
		else if (item.kind === 'yes-no' && text !== 'yes' && text !== 'no')
			issues.push({ field: item.linkId, key: 'errors:field.invalid' });
		else if (item.kind === 'text' && text.length > item.maxLength)
			issues.push({ field: item.linkId, key: 'errors:field.too_long', params: { max: item.maxLength } });
		else answers[item.linkId] = item.kind === 'yes-no' ? text === 'yes' : text;
	}
	if (issues.length) throw validationFailed(issues);
	return answers;
}

/**
 * The patient sends a questionnaire. A submission id seen before returns what it stored (a retry after
 * a lost answer, or a queued send after the signal came back): each response lands exactly once. A
 * response already sent for the visit is final (corrections are for the visit itself). The answers go
 * to the EHR as a QuestionnaireResponse through the outbox; PHQ-9 item 9 above zero tells the
 * clinician at once, by email, in the same transaction.
 */
export async function submitIntake(
	ctx: ServiceContext,
	appointmentId: string,
	questionnaireId: string,
	input: { submissionId: string; answers: Record<string, unknown> }
): Promise<{ response: IntakeResponse; repeated: boolean }> {
	const attempt = { action: 'intake.submit', resourceType: 'appointment', resourceId: appointmentId };
	if (ctx.actor.kind !== 'patient') await requirePermission(ctx, 'appointment.book', attempt);
	const { appointment, questionnaire } = await questionnaireForVisit(ctx, appointmentId, questionnaireId);
	const before = await ctx.db
		.selectFrom('intake_responses')
		.select(['id', 'appointment_id'])
		.where('submission_id', '=', input.submissionId)
		.executeTakeFirst();
	if (before) {
		if (before.appointment_id !== appointmentId) throw new AppError('CONFLICT');
		const stored = (await readResponses(ctx.db, ctx.phi, appointmentId)).find((r) => r.id === before.id)!;
		return { response: stored, repeated: true };
	}
	if (appointment.status !== 'booked' && appointment.status !== 'confirmed')
		throw new AppError('CHECK_IN_CLOSED');
	const answers = validAnswers(questionnaire, input.answers);
	const score = scoreQuestionnaire(questionnaire.id, answers);
	const now = ctx.clock.now();
	const id = randomUUID();
	try {
		await ctx.db.transaction().execute(async (tx) => {
			const key = await ctx.phi.newDataKey(tx);
			await tx
				.insertInto('intake_responses')
				.values({
					id,
					organization_id: appointment.organizationId,
					appointment_id: appointmentId,
					patient_id: appointment.patientId,
					questionnaire: questionnaire.id,
					submission_id: input.submissionId,
					data_key_id: key.id,
					answers_enc: ctx.phi.seal(key, 'intake_responses.answers', id, JSON.stringify(answers)),
					score: score?.total ?? null,
					severity: score?.severity ?? null,
					self_harm_alert: score?.selfHarmAlert ?? false,
					submitted_at: now
				})
				.execute();
			await enqueueQuestionnaireResponse(
				tx,
				ctx.phi,
				{
					id,
					appointmentId,
					patientId: appointment.patientId,
					organizationId: appointment.organizationId,
					questionnaire: questionnaire.id,
					answers,
					score,
					submittedAt: now.toISOString()
				},
				now
			);
			if (score?.selfHarmAlert) await alertClinician(tx, ctx.phi, appointment, id, now);
			await ctx.audit.record(
				{
					...attempt,
					organizationId: appointment.organizationId,
					details: { questionnaire: questionnaire.id, alert: score?.selfHarmAlert ?? false }
				},
				tx
			);
		});
	} catch (error) {
		// Two sends of one form racing: the unique keys let one in; the other is told it is done.
		const winner = await ctx.db
			.selectFrom('intake_responses')
			.select('id')
			.where('submission_id', '=', input.submissionId)
			.executeTakeFirst();
		if (winner) return submitIntake(ctx, appointmentId, questionnaireId, input);
		const taken = await ctx.db
			.selectFrom('intake_responses')
			.select('id')
			.where('appointment_id', '=', appointmentId)
			.where('questionnaire', '=', questionnaire.id)
			.executeTakeFirst();
		if (taken) throw new AppError('INTAKE_SUBMITTED');
		throw error;
	}
	const response = (await readResponses(ctx.db, ctx.phi, appointmentId)).find((r) => r.id === id)!;
	return { response, repeated: false };
}

/** The email that tells the visit's clinician of a positive PHQ-9 item 9: no answers, only where to look. */
async function alertClinician(
	tx: Executor,
	phi: PhiCipher,
	appointment: Appointment,
	responseId: string,
	now: Date
) {
	const clinician = await tx
		.selectFrom('staff')
		.select(['email', 'preferred_language'])
		.where('id', '=', appointment.clinicianId)
		.executeTakeFirstOrThrow();
	const t = tFor(clinician.preferred_language);
	await enqueue(
		tx,
		phi,
		{
			channel: 'email',
			payload: {
				to: clinician.email,
				subject: t('messages:intake_alert.subject'),
				text: t('messages:intake_alert.body', {
					when: appointment.start.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
				}),
				language: clinician.preferred_language
			},
			idempotencyKey: `intake-alert:${responseId}`,
			organizationId: appointment.organizationId
		},
		{ now, maxAttempts: 8 }
	);
}

/** The visit's answers for its clinician (those who treat), with scores and alerts. Audited. */
export async function intakeSummary(ctx: ServiceContext, appointmentId: string) {
	const attempt = { action: 'intake.read', resourceType: 'appointment', resourceId: appointmentId };
	await requirePermission(ctx, 'chart.read', attempt);
	const appointment = await getAppointment(ctx, appointmentId);
	const responses = await readResponses(ctx.db, ctx.phi, appointmentId);
	await ctx.audit.record({ ...attempt, organizationId: appointment.organizationId, purpose: 'treatment' });
	return { appointment, responses };
}
