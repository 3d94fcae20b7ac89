import { describe, expect, test } from 'vitest';
import en from '../../locales/en/notes.json' with { type: 'json' };
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { p2pVideoProvider } from '../../src/lib/server/integrations/video/p2p';
import {
	addAddendum,
	noteForEditing,
	noteTemplate,
	parseDiagnoses,
	readNote,
	saveDraft,
	signNote
} from '../../src/lib/server/notes/service';
import { approveClaim, billingItem, billingQueue, suggestCode } from '../../src/lib/server/billing/queue';
import type { Actor } from '../../src/lib/server/platform/context';
import { tFor } from '../../src/lib/server/platform/i18n';
import { openPayload } from '../../src/lib/server/platform/outbox/repository';
import { submitCheckIn } from '../../src/lib/server/previsit/check-in';
import { recordVerbalConsent } from '../../src/lib/server/previsit/consent';
import { endVisit, enterWaitingRoom, startVisit, switchModality } from '../../src/lib/server/visits/room';
import { roomView } from '../../src/lib/server/visits/view';
import { bookDemoVisit, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

const p2p = p2pVideoProvider({ kind: 'p2p', stunUrls: [], turnUrls: [], turnSecret: undefined });
const t = tFor('en');
const SOAP = {
	subjective: 'Headache for three days.',
	objective: 'Alert, speaking clearly on video.',
	assessment: 'Tension-type headache.',
	plan: 'Ibuprofen as needed; return if worse.',
	diagnoses: 'G44.209',
	patientSummary: 'Your headache looks like a tension headache.'
};

describe.each(DATABASE_KINDS)('the visit note on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function visited(visit = { day: '2026-12-02', key: 'note-1' }) {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test')
		});
		const { patient: marcus, appointment } = await bookDemoVisit(scheduler.ctx, phi, {
			patient: 'Marcus',
			state: 'CO',
			day: visit.day,
			modality: 'video',
			key: visit.key
		});
		let now = new Date(appointment.start.getTime() - 5 * 60_000);
		const as = (actor: Actor) => testContext(db, { phi, actor, now: now.toISOString() }).ctx;
		const patient = () => as({ kind: 'patient', id: marcus.id, organizationId: marcus.organizationId });
		const clinician = () =>
			as({
				kind: 'staff',
				id: appointment.clinicianId,
				organizationId: marcus.organizationId,
				roles: ['clinician']
			});
		await submitCheckIn(patient(), appointment.id, {
			locationState: 'CO',
			locationSetting: 'home',
			callbackPhone: '+17205550103',
			language: 'en',
			accommodations: {}
		});
		await recordVerbalConsent(clinician(), appointment.id, 'telehealth');
		await enterWaitingRoom(patient(), appointment.id);
		now = new Date(appointment.start.getTime());
		await startVisit(clinician(), p2p, appointment.id);
		now = new Date(appointment.start.getTime() + 8 * 60_000);
		await switchModality(clinician(), appointment.id, { modality: 'phone', reason: 'poor_network' });
		now = new Date(appointment.start.getTime() + 20 * 60_000);
		await endVisit(clinician(), p2p, appointment.id);
		return { db, appointment, clinician, patient, scheduler };
	}

	test('a draft is saved, then signed with the attestation from the record; it goes to the EHR as a DocumentReference and an MDM^T02', async () => {
		const v = await visited();
		expect((await readNote(v.clinician(), v.appointment.id)).status).toBe('none');
		// Ending the visit queued its Encounter for the EHR, once.
		const encounters = await v.db
			.selectFrom('outbox')
			.select('channel')
			.where('idempotency_key', '=', `ehr:encounter:${v.appointment.id}`)
			.execute();
		expect(encounters).toEqual([{ channel: 'fhir' }]);
		// A note not yet begun starts from its visit type's SOAP outline; an outline left as it is was not written.
		const fresh = await noteForEditing(v.clinician(), v.appointment.id, t);
		expect(fresh.status).toBe('none');
		expect(fresh.sections.plan).toBe(noteTemplate(t, fresh.appointment.visitTypeCode).plan);
		expect(fresh.sections.subjective).toMatch(/\S/);
		// As a browser sends it back: CRLF line breaks.
		await saveDraft(v.clinician(), v.appointment.id, {
			...SOAP,
			plan: fresh.sections.plan.replace(/\n/g, '\r\n')
		});
		expect((await appErrorOf(signNote(v.clinician(), v.appointment.id, t, 'en'))).fields).toEqual([
			expect.objectContaining({ field: 'plan' })
		]);
		// Diagnoses are ICD-10-CM codes, written loosely and kept with the dot.
		expect(
			(
				await appErrorOf(
					saveDraft(v.clinician(), v.appointment.id, { ...SOAP, diagnoses: 'G44.209, migraine' })
				)
			).fields
		).toEqual([expect.objectContaining({ field: 'diagnoses', key: 'notes:problem.diagnoses' })]);
		await saveDraft(v.clinician(), v.appointment.id, { ...SOAP, diagnoses: 'g44209; r51.9' });
		expect((await readNote(v.clinician(), v.appointment.id)).sections.diagnoses).toBe('G44.209, R51.9');
		expect(parseDiagnoses('U07.1')).toBeNull();
		expect(parseDiagnoses('')).toEqual([]);
		await saveDraft(v.clinician(), v.appointment.id, { ...SOAP, plan: '' });
		// Signing needs a plan: nothing is signed or sent.
		expect((await appErrorOf(signNote(v.clinician(), v.appointment.id, t, 'en'))).fields).toEqual([
			expect.objectContaining({ field: 'plan' })
		]);
		expect(
			await v.db
				.selectFrom('outbox')
				.select('id')
				.where('idempotency_key', 'like', 'ehr:document:%')
				.execute()
		).toEqual([]);
		// The panel beside the running visit saves only its sections; the rest of the draft is kept.
		await saveDraft(v.clinician(), v.appointment.id, { ...SOAP, totalMinutes: '30' });
		await saveDraft(
			v.clinician(),
			v.appointment.id,
			{ subjective: 'Typed during the visit.', plan: '' },
			{ only: ['subjective'] }
		);
		expect((await readNote(v.clinician(), v.appointment.id)).sections).toMatchObject({
			subjective: 'Typed during the visit.',
			plan: SOAP.plan,
			totalMinutes: '30'
		});
		await saveDraft(v.clinician(), v.appointment.id, SOAP);
		// A draft is not the patient's to read.
		expect((await roomView(v.patient(), p2p, v.appointment.id)).summary).toBeNull();
		const draft = await readNote(v.clinician(), v.appointment.id);
		expect(draft).toMatchObject({ status: 'draft', sections: SOAP });
		expect(draft.attestation).toMatchObject({
			segments: [{ modality: 'video' }, { modality: 'phone' }],
			location: { state: 'CO', setting: 'home' },
			consent: { method: 'verbal_clinician' },
			minutes: 20
		});

		await signNote(v.clinician(), v.appointment.id, t, 'en');
		const signed = await readNote(v.clinician(), v.appointment.id);
		expect(signed.status).toBe('signed');
		const text = signed.signedText!;
		expect(text.startsWith(en['attest.title'])).toBe(true);
		expect(text).toContain('Patient location at check-in: Colorado, home.');
		expect(text).toContain('(20 minutes)');
		expect(text).toContain(`${en['section.assessment']}\nTension-type headache.`);
		expect(text).toContain('Diagnoses (ICD-10-CM): G44.209.');
		// The patient's summary is not part of the chart note: the patient reads it on the visit page.
		expect(text).not.toContain(SOAP.patientSummary);
		expect((await roomView(v.patient(), p2p, v.appointment.id)).summary).toBe(SOAP.patientSummary);

		const messages = await v.db
			.selectFrom('outbox')
			.selectAll()
			.where((eb) =>
				eb.or([eb('idempotency_key', 'like', 'ehr:document:%'), eb('idempotency_key', 'like', 'hl7:mdm:%')])
			)
			.execute();
		expect(messages.map((m) => m.channel).sort()).toEqual(['fhir', 'hl7v2']);
		const payload = (await openPayload(v.db, phi, messages[0]!)) as {
			document: { text: string; appointmentId: string };
		};
		expect(payload.document).toMatchObject({ text, appointmentId: v.appointment.id });
		// At rest the note is sealed.
		const row = await v.db.selectFrom('visit_notes').selectAll().executeTakeFirstOrThrow();
		expect(row.text_enc).not.toContain('Tension-type');
		expect(row.sections_enc).not.toContain('Headache');
	});

	test('the biller’s queue codes the visit from what happened: level by time, POS from check-in, 93 for the phone part; warnings until the note is signed', async () => {
		const v = await visited();
		const biller = testContext(v.db, {
			phi,
			actor: await staffActorFor(v.db, 'biller@demo.anyvisit.test')
		}).ctx;
		const [item] = await billingQueue(biller);
		expect(item).toMatchObject({
			appointmentId: v.appointment.id,
			patientName: 'Marcus Johnson',
			minutes: 20
		});
		expect(item!.coding!.lines).toEqual([
			{ code: suggestCode(item!.visitType, 'medical', 20), modifiers: ['93'], pos: '10' }
		]);
		expect(item!.coding!.reasons.map((r) => r.code)).toEqual(
			expect.arrayContaining(['POS_HOME', 'MIXED_MODALITY'])
		);
		// The clinician moved to the phone for the network: the patient could not do video.
		expect(item!.facts).toMatchObject({ patientVideoCapable: false, patientConsentsToVideo: true });
		expect(item!.warnings).toContain('NOTE_UNSIGNED');
		// The clinician documents 42 minutes in all: the level follows the note, not the call's length.
		expect(
			(await appErrorOf(saveDraft(v.clinician(), v.appointment.id, { ...SOAP, totalMinutes: 'forty' })))
				.fields
		).toEqual([expect.objectContaining({ field: 'totalMinutes' })]);
		expect(
			(await appErrorOf(saveDraft(v.clinician(), v.appointment.id, { ...SOAP, mdm: 'extreme' }))).fields
		).toEqual([expect.objectContaining({ field: 'mdm' })]);
		await saveDraft(v.clinician(), v.appointment.id, { ...SOAP, totalMinutes: '42', mdm: 'low' });
		await signNote(v.clinician(), v.appointment.id, t, 'en');
		const after = await billingItem(biller, v.appointment.id);
		expect(after.warnings).not.toContain('NOTE_UNSIGNED');
		expect(after.minutes).toBe(42);
		expect(after.coding!.lines[0]!.code).toBe(suggestCode(after.visitType, 'medical', 42, 'low'));
		const signedText = (await readNote(v.clinician(), v.appointment.id)).signedText;
		expect(signedText).toContain('Total time on the date of service: 42 minutes.');
		expect(signedText).toContain('Medical decision making: low.');
		// Approving: a change needs its reason, an unknown code is named; nothing is written until it holds.
		const line = after.coding!.lines[0]!;
		const changed = appErrorOf(
			approveClaim(biller, v.appointment.id, {
				...line,
				modifiers: ['95'],
				diagnoses: 'G44.209',
				reason: ' '
			})
		);
		expect((await changed).fields).toEqual([expect.objectContaining({ field: 'reason' })]);
		const unknown = appErrorOf(
			approveClaim(biller, v.appointment.id, { ...line, code: '12345', diagnoses: 'G44.209', reason: 'x' })
		);
		expect((await unknown).fields).toEqual([expect.objectContaining({ field: 'code' })]);
		const undiagnosed = appErrorOf(
			approveClaim(biller, v.appointment.id, { ...line, diagnoses: ' ', reason: 'x' })
		);
		expect((await undiagnosed).fields).toEqual([expect.objectContaining({ field: 'diagnoses' })]);
		expect(await v.db.selectFrom('claims').select('id').execute()).toEqual([]);
		expect(await v.db.selectFrom('outbox').select('id').where('channel', '=', 'claims').execute()).toEqual(
			[]
		);
		// The suggestion as it is (the note's diagnoses included) needs no reason; approving twice is a 409.
		expect(after.diagnoses).toEqual(['G44.209']);
		await approveClaim(biller, v.appointment.id, { ...line, diagnoses: 'G44.209', reason: '' });
		expect((await billingItem(biller, v.appointment.id)).approved).toMatchObject({
			code: line.code,
			pos: '10',
			modifiers: ['93'],
			diagnoses: ['G44.209'],
			claimNumber: expect.stringMatching(/^AV[0-9A-HJKMNP-TV-Z]{14}$/),
			submittedAt: null
		});
		// The approved claim goes out through the outbox, in the same transaction.
		const [queued, ...twice] = await v.db
			.selectFrom('outbox')
			.select(['status', 'idempotency_key'])
			.where('channel', '=', 'claims')
			.execute();
		expect(twice).toEqual([]);
		expect(queued?.status).toBe('pending');
		expect(
			(
				await appErrorOf(
					approveClaim(biller, v.appointment.id, { ...line, diagnoses: 'G44.209', reason: '' })
				)
			).code
		).toBe('CLAIM_APPROVED');
		expect(
			await v.db.selectFrom('audit_log').select('action').where('action', '=', 'billing.approve').execute()
		).toHaveLength(1);
		// Those who do not bill cannot read the queue.
		expect((await appErrorOf(billingQueue(v.scheduler.ctx))).code).toBe('FORBIDDEN');
		expect((await appErrorOf(billingItem(v.clinician(), v.appointment.id))).code).toBe('FORBIDDEN');
	});

	test('visits still to approve come first in the queue, however many newer ones are done', async () => {
		const older = await visited();
		const newer = await visited({ day: '2026-12-03', key: 'note-2' });
		const biller = testContext(older.db, {
			phi,
			actor: await staffActorFor(older.db, 'biller@demo.anyvisit.test')
		}).ctx;
		expect((await billingQueue(biller)).map((i) => i.appointmentId)).toEqual([
			newer.appointment.id,
			older.appointment.id
		]);
		const line = (await billingItem(biller, newer.appointment.id)).coding!.lines[0]!;
		await approveClaim(biller, newer.appointment.id, { ...line, diagnoses: 'I10', reason: 'Checked.' });
		expect((await billingQueue(biller)).map((i) => i.appointmentId)).toEqual([
			older.appointment.id,
			newer.appointment.id
		]);
	});

	test('E/M level by documented time (CPT 2024+ minimums), psychotherapy by session time', () => {
		const cases: [string, string, number, string | null][] = [
			['new-patient', 'medical', 14, null],
			['new-patient', 'medical', 15, '99202'],
			['new-patient', 'medical', 44, '99203'],
			['new-patient', 'medical', 60, '99205'],
			['follow-up', 'medical', 9, null],
			['follow-up', 'medical', 10, '99212'],
			['follow-up', 'medical', 29, '99213'],
			['follow-up', 'medical', 30, '99214'],
			['follow-up', 'medical', 55, '99215'],
			['behavioral-health', 'behavioral', 15, null],
			['behavioral-health', 'behavioral', 38, '90834'],
			['behavioral-health', 'behavioral', 53, '90837']
		];
		for (const [type, service, minutes, code] of cases)
			expect(suggestCode(type, service, minutes)).toBe(code);
		// Or by medical decision making (CPT 2021+), whichever gives the higher level.
		expect(suggestCode('follow-up', 'medical', 12, 'moderate')).toBe('99214');
		expect(suggestCode('follow-up', 'medical', 45, 'low')).toBe('99215');
		expect(suggestCode('new-patient', 'medical', 5, 'high')).toBe('99205');
		expect(suggestCode('new-patient', 'medical', 5, 'straightforward')).toBe('99202');
	});

	test('a signed note is never edited; an addendum is signed and sent naming the note; others cannot write', async () => {
		const v = await visited();
		await saveDraft(v.clinician(), v.appointment.id, SOAP);
		expect((await appErrorOf(addAddendum(v.clinician(), v.appointment.id, 'Too early.', t))).code).toBe(
			'NOTE_NOT_SIGNED'
		);
		await signNote(v.clinician(), v.appointment.id, t, 'en');
		expect((await appErrorOf(signNote(v.clinician(), v.appointment.id, t, 'en'))).code).toBe('NOTE_SIGNED');
		expect((await appErrorOf(saveDraft(v.clinician(), v.appointment.id, SOAP))).code).toBe('NOTE_SIGNED');
		expect((await appErrorOf(addAddendum(v.clinician(), v.appointment.id, '   ', t))).code).toBe(
			'VALIDATION'
		);
		await addAddendum(v.clinician(), v.appointment.id, 'Lab result normal.', t);
		const note = await readNote(v.clinician(), v.appointment.id);
		expect(note.addenda.map((a) => a.text)).toEqual(['Lab result normal.']);
		const rows = await v.db
			.selectFrom('visit_notes')
			.select(['id', 'kind', 'parent_id'])
			.orderBy('created_at')
			.execute();
		const addendumMessage = await v.db
			.selectFrom('outbox')
			.selectAll()
			.where('idempotency_key', '=', `ehr:document:${rows.find((r) => r.kind === 'addendum')!.id}`)
			.executeTakeFirstOrThrow();
		const payload = (await openPayload(v.db, phi, addendumMessage)) as { document: { parentId: string } };
		expect(payload.document.parentId).toBe(rows.find((r) => r.kind === 'note')!.id);
		// A scheduler and the patient cannot read or write the note; nothing is written by them.
		for (const ctx of [v.scheduler.ctx, v.patient()]) {
			expect((await appErrorOf(readNote(ctx, v.appointment.id))).code).toBe('FORBIDDEN');
			expect((await appErrorOf(addAddendum(ctx, v.appointment.id, 'x', t))).code).toBe('FORBIDDEN');
		}
		expect(await v.db.selectFrom('visit_notes').select('id').execute()).toHaveLength(2);
	});
});
