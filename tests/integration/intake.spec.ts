import { validateResource } from '@medplum/core';
import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { identifierSystem } from '../../src/lib/server/ehr/resources';
import { intakeForVisit, intakeSummary, submitIntake } from '../../src/lib/server/intake/service';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { patientNamed, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { EHR_TEST_BASE_URL, ehrSyncHarness, useTestEhr } from '../helpers/ehr';
import { appErrorOf } from '../helpers/errors';

const phq = (values: number[]) => Object.fromEntries(values.map((v, i) => [`q${i + 1}`, String(v)]));

describe.each(DATABASE_KINDS)('intake questionnaires on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();
	const testEhr = useTestEhr();

	/** Layla's behavioural-health video visit with Samira Haddad on 2 December; the EHR beside it. */
	async function setup() {
		const h = await ehrSyncHarness(database().db, phi, await testEhr());
		const layla = await patientNamed(h.db, phi, 'Layla');
		const [slot] = await searchSlots(h.scheduler.ctx, {
			patientState: 'IL',
			from: '2026-12-02',
			to: '2026-12-02',
			modality: 'video',
			visitType: 'behavioral-health',
			limit: 1
		});
		const { appointment } = await bookAppointment(
			h.scheduler.ctx,
			{
				patientId: layla.id,
				slotId: slot!.id,
				modality: 'video',
				patientState: 'IL',
				visitType: 'behavioral-health'
			},
			{ idempotencyKey: 'intake-1' }
		);
		const patient = testContext(h.db, {
			phi,
			actor: { kind: 'patient', id: layla.id, organizationId: layla.organizationId },
			now: '2026-11-30T15:00:00Z'
		});
		const outbox = (prefix: string) =>
			h.db
				.selectFrom('outbox')
				.select(['channel', 'idempotency_key'])
				.where('idempotency_key', 'like', `${prefix}%`)
				.execute();
		return { ...h, layla, appointment, patient, outbox };
	}

	test('a behavioural-health visit asks the general intake, PHQ-9 and GAD-7', async () => {
		const t = await setup();
		const { questionnaires } = await intakeForVisit(t.patient.ctx, t.appointment.id);
		expect(questionnaires.map((q) => [q.questionnaire, q.items, q.submittedAt])).toEqual([
			['general-intake', 6, null],
			['phq-9', 9, null],
			['gad-7', 7, null]
		]);
	});

	test('PHQ-9 with item 9 above zero is scored, tells the clinician at once, and reaches the EHR once', async () => {
		const t = await setup();
		const submissionId = randomUUID();
		const answers = phq([1, 2, 1, 1, 0, 1, 0, 0, 1]);
		const first = await submitIntake(t.patient.ctx, t.appointment.id, 'phq-9', { submissionId, answers });
		expect(first.repeated).toBe(false);
		expect(first.response.score).toEqual({ total: 7, severity: 'mild', selfHarmAlert: true });
		// The same submission again (a retry after a lost answer, or the queued send) changes nothing.
		const again = await submitIntake(t.patient.ctx, t.appointment.id, 'phq-9', { submissionId, answers });
		expect(again).toMatchObject({ repeated: true, response: { id: first.response.id } });
		const alerts = await t.outbox('intake-alert:');
		expect(alerts).toEqual([{ channel: 'email', idempotency_key: `intake-alert:${first.response.id}` }]);
		const row = await t.db.selectFrom('intake_responses').selectAll().executeTakeFirstOrThrow();
		expect(row).toMatchObject({ score: 7, severity: 'mild', self_harm_alert: true });
		// Quoted: an unquoted two-letter string turns up in base64 ciphertext by chance (about 1 run in 30).
		expect(row.answers_enc).not.toContain('"q9"');

		await t.deliverAll();
		const inEhr = await t.fhir.searchAll<QuestionnaireResponse>('QuestionnaireResponse', {
			identifier: `${identifierSystem(EHR_TEST_BASE_URL, 'questionnaire-response')}|${first.response.id}`
		});
		expect(inEhr).toHaveLength(1);
		expect(() => validateResource(inEhr[0]!)).not.toThrow();
		expect(inEhr[0]).toMatchObject({
			status: 'completed',
			questionnaire: `${EHR_TEST_BASE_URL}/questionnaires/phq-9`
		});
		expect(inEhr[0]!.item?.find((i) => i.linkId === 'q9')?.answer?.[0]?.valueCoding?.code).toBe('LA6569-3');
		expect(inEhr[0]!.item?.find((i) => i.linkId === 'total-score')?.answer?.[0]?.valueInteger).toBe(7);

		const clinician = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'samira.haddad@demo.anyvisit.test')
		});
		const summary = await intakeSummary(clinician.ctx, t.appointment.id);
		expect(summary.responses.map((r) => [r.questionnaire, r.score?.selfHarmAlert])).toEqual([
			['phq-9', true]
		]);
		expect((await appErrorOf(intakeSummary(t.scheduler.ctx, t.appointment.id))).code).toBe('FORBIDDEN');
	});

	test('a sent form is final; a second, different send is refused and writes nothing', async () => {
		const t = await setup();
		const answers = phq([0, 0, 0, 0, 0, 0, 0, 0, 0]);
		await submitIntake(t.patient.ctx, t.appointment.id, 'phq-9', { submissionId: randomUUID(), answers });
		const error = await appErrorOf(
			submitIntake(t.patient.ctx, t.appointment.id, 'phq-9', { submissionId: randomUUID(), answers })
		);
		expect(error.code).toBe('INTAKE_SUBMITTED');
		expect(await t.db.selectFrom('intake_responses').select('id').execute()).toHaveLength(1);
		expect(await t.outbox('intake-alert:')).toEqual([]);
	});

	test('bad answers name each field; unknown questionnaires are not found; nothing is written', async () => {
		const t = await setup();
		const send = (questionnaire: string, answers: Record<string, unknown>) =>
			appErrorOf(
				submitIntake(t.patient.ctx, t.appointment.id, questionnaire, { submissionId: randomUUID(), answers })
			);
		const missing = await send('phq-9', { ...phq([1, 1, 1, 1, 1, 1, 1, 1]) });
		expect(missing.fields.map((f) => f.field)).toEqual(['q9']);
		const wrong = await send('phq-9', { ...phq([1, 1, 1, 1, 1, 1, 1, 1, 4]), extra: 'x' });
		expect(wrong.fields.map((f) => f.field).sort()).toEqual(['extra', 'q9']);
		const long = await send('general-intake', {
			reason: 'x'.repeat(1001),
			medications_changed: 'maybe',
			allergies_changed: 'no'
		});
		expect(long.fields.map((f) => f.field).sort()).toEqual(['medications_changed', 'reason']);
		expect((await send('audit-c', {})).code).toBe('NOT_FOUND');
		expect(await t.db.selectFrom('intake_responses').select('id').execute()).toEqual([]);
		expect(await t.outbox('ehr:questionnaire-response')).toEqual([]);
	});

	test('the general intake stores yes/no as booleans and text as typed', async () => {
		const t = await setup();
		const { response } = await submitIntake(t.patient.ctx, t.appointment.id, 'general-intake', {
			submissionId: randomUUID(),
			answers: {
				reason: ' Trouble sleeping ',
				medications_changed: 'no',
				allergies_changed: 'yes',
				changes: 'Penicillin rash'
			}
		});
		expect(response.answers).toEqual({
			reason: 'Trouble sleeping',
			medications_changed: false,
			allergies_changed: true,
			changes: 'Penicillin rash'
		});
		expect(response.score).toBeNull();
	});
});
