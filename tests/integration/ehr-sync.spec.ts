import { validateResource } from '@medplum/core';
import type { Encounter, Patient } from '@medplum/fhirtypes';
import { enqueueEncounter } from '../../src/lib/server/ehr/encounter';
import { describe, expect, test } from 'vitest';
import { identifierSystem } from '../../src/lib/server/ehr/resources';
import {
	bookAppointment,
	cancelAppointment,
	rescheduleAppointment
} from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { DEMO_MRN_SYSTEM } from '../../src/sandbox-ehr/demo-charts';
import { createPatient, patientNamed, signedNote } from '../factories';
import { testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { EHR_TEST_BASE_URL, ehrSyncHarness, useTestEhr } from '../helpers/ehr';

describe.each(DATABASE_KINDS)('appointments reach the EHR through the outbox on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();
	const testEhr = useTestEhr();
	const setup = async () => ehrSyncHarness(database().db, phi, await testEhr());

	test('a booking becomes one valid FHIR Appointment for the patient (found by MRN) and the clinician (by NPI)', async () => {
		const t = await setup();
		const visit = await t.book('Rosa', 'TX', '2026-12-02', 'sync-1');
		expect(await t.outboxStates()).toEqual(['pending']);
		await t.worker.drain();
		expect(await t.outboxStates()).toEqual(['delivered']);
		const [appointment, ...more] = await t.inEhr(visit.id);
		expect(more).toHaveLength(0);
		expect(() => validateResource(appointment!)).not.toThrow();
		expect(appointment).toMatchObject({
			status: 'booked',
			start: visit.start.toISOString(),
			end: visit.end.toISOString()
		});
		const [rosa] = await t.fhir.searchAll<Patient>('Patient', { identifier: `${DEMO_MRN_SYSTEM}|RB100001` });
		const refs = appointment!.participant.map((p) => p.actor?.reference);
		expect(refs[0]).toBe(`Patient/${rosa!.id}`);
		expect(refs[1]).toMatch(/^Practitioner\//);
		expect(appointment!.serviceType?.[1]?.coding?.[0]).toMatchObject({
			code: 'video',
			display: 'Telehealth visit by video'
		});
		// The demo chart was linked, not copied: still one Rosa in the EHR.
		expect(await t.fhir.searchAll('Patient', { given: 'Rosa' })).toHaveLength(1);
	});

	test('a reschedule and a cancellation update the same EHR appointment', async () => {
		const t = await setup();
		const visit = await t.book('Rosa', 'TX', '2026-12-02', 'sync-2');
		await t.worker.drain();
		const [later] = await searchSlots(t.scheduler.ctx, {
			patientState: 'TX',
			from: '2026-12-03',
			to: '2026-12-03',
			modality: 'video',
			limit: 1
		});
		await rescheduleAppointment(t.scheduler.ctx, visit.id, { slotId: later!.id });
		await t.worker.drain();
		const [moved] = await t.inEhr(visit.id);
		expect(moved?.start).toBe(later!.start.toISOString());
		await cancelAppointment(t.scheduler.ctx, visit.id, { reason: 'patient_request' });
		await t.worker.drain();
		const all = await t.inEhr(visit.id);
		expect(all).toHaveLength(1);
		expect(all[0]).toMatchObject({ id: moved!.id, status: 'cancelled' });
		expect(await t.outboxStates()).toEqual(['delivered', 'delivered', 'delivered']);
	});

	test('a delivery repeated after a lost answer finds the first copy instead of making a second', async () => {
		const t = await setup();
		const visit = await t.book('Layla', 'IL', '2026-12-02', 'sync-3');
		await t.worker.drain();
		// As if the answer to the first create had been lost: AnyVisit never learnt the EHR id.
		await t.db.deleteFrom('ehr_links').where('local_type', '=', 'appointment').execute();
		await t.db
			.updateTable('outbox')
			.set({ status: 'pending', next_attempt_at: t.scheduler.clock.now() })
			.execute();
		await t.worker.drain();
		expect(await t.inEhr(visit.id)).toHaveLength(1);
	});

	test('a patient the EHR does not know is created there once, with AnyVisit’s identifier', async () => {
		const t = await setup();
		const organizationId = (await patientNamed(t.db, phi, 'Rosa')).organizationId;
		const newcomer = await createPatient(t.db, phi, organizationId, {
			givenName: 'Nadia',
			familyName: 'Okoro',
			homeState: 'TX'
		});
		const [slot] = await searchSlots(t.scheduler.ctx, {
			patientState: 'TX',
			from: '2026-12-02',
			to: '2026-12-02',
			modality: 'video',
			limit: 1
		});
		await bookAppointment(
			t.scheduler.ctx,
			{ patientId: newcomer, slotId: slot!.id, modality: 'video', patientState: 'TX' },
			{ idempotencyKey: 'sync-4' }
		);
		await t.worker.drain();
		const created = await t.fhir.searchAll<Patient>('Patient', {
			identifier: `${identifierSystem(EHR_TEST_BASE_URL, 'patient')}|${newcomer}`
		});
		expect(created).toHaveLength(1);
		expect(created[0]).toMatchObject({ name: [{ given: ['Nadia'], family: 'Okoro' }] });
		expect(() => validateResource(created[0]!)).not.toThrow();
	});

	test('a signed note becomes one valid DocumentReference for the patient, by its author, with the text as signed', async () => {
		const t = await setup();
		const visit = await t.book('Rosa', 'TX', '2026-12-02', 'doc-1');
		const note = signedNote(visit, 'A/P: lisinopril 10 mg daily — sin cambios.');
		await t.sign(note);
		await t.sign(note);
		await t.worker.drain();
		const [document, ...more] = await t.documentsInEhr(note.id);
		expect(more).toHaveLength(0);
		expect(() => validateResource(document!)).not.toThrow();
		expect(document).toMatchObject({ status: 'current', docStatus: 'final', date: note.signedAt });
		expect(document!.type?.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '11506-3' });
		const [rosa] = await t.fhir.searchAll<Patient>('Patient', { identifier: `${DEMO_MRN_SYSTEM}|RB100001` });
		expect(document!.subject?.reference).toBe(`Patient/${rosa!.id}`);
		expect(document!.author?.[0]?.reference).toMatch(/^Practitioner\//);
		const text = Buffer.from(document!.content[0]!.attachment.data!, 'base64').toString('utf8');
		expect(text).toBe(note.text);
		expect(document!.context?.related?.[0]?.identifier?.value).toBe(visit.id);
	});

	test('an ended visit becomes one valid FHIR Encounter: virtual class, finished, its period and length, the appointment it fulfils', async () => {
		const t = await setup();
		const visit = await t.book('Rosa', 'TX', '2026-12-02', 'enc-1');
		const finished = {
			appointmentId: visit.id,
			organizationId: visit.organizationId,
			patientId: visit.patientId,
			clinicianId: visit.clinicianId,
			start: '2026-12-02T15:01:00.000Z',
			end: '2026-12-02T15:23:00.000Z',
			modalities: ['video' as const, 'phone' as const, 'video' as const]
		};
		const send = () =>
			t.db.transaction().execute((tx) => enqueueEncounter(tx, phi, finished, t.scheduler.clock.now()));
		await send();
		await send();
		await t.worker.drain();
		const found = await t.fhir.searchAll<Encounter>('Encounter', {
			identifier: `${identifierSystem(EHR_TEST_BASE_URL, 'encounter')}|${visit.id}`
		});
		expect(found).toHaveLength(1);
		expect(() => validateResource(found[0]!)).not.toThrow();
		expect(found[0]).toMatchObject({
			status: 'finished',
			class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
			period: { start: finished.start, end: finished.end },
			length: { value: 22, code: 'min' },
			type: [{ text: 'Telehealth visit (video, phone)' }]
		});
		expect(found[0]!.subject?.reference).toMatch(/^Patient\//);
		expect(found[0]!.participant?.[0]?.individual?.reference).toMatch(/^Practitioner\//);
		expect(found[0]!.appointment?.[0]?.identifier?.value).toBe(visit.id);
	});

	test('a note whose author the EHR cannot name is a dead letter at once, and nothing is written', async () => {
		const t = await setup();
		const visit = await t.book('Rosa', 'TX', '2026-12-02', 'doc-2');
		await t.db.updateTable('staff').set({ npi: null }).where('id', '=', visit.clinicianId).execute();
		await t.db.deleteFrom('ehr_links').execute();
		const note = signedNote(visit, 'Plan: none.');
		await t.sign(note);
		await t.worker.drain();
		const documents = await t.db
			.selectFrom('outbox')
			.select(['status', 'last_error'])
			.where('idempotency_key', '=', `ehr:document:${note.id}`)
			.execute();
		expect(documents).toEqual([
			{ status: 'dead', last_error: 'The clinician has no NPI to find them in the EHR by' }
		]);
		expect(await t.documentsInEhr(note.id)).toHaveLength(0);
	});

	test('fault injection: with the EHR down nothing is lost; after its restart every appointment and note arrives exactly once', async () => {
		const t = await setup();
		const port = Number(new URL(t.sandbox.ehr.origin).port);
		await t.sandbox.stop();
		const visits = [
			await t.book('Rosa', 'TX', '2026-12-02', 'fault-1'),
			await t.book('Layla', 'IL', '2026-12-02', 'fault-2'),
			await t.book('Dorothy', 'WI', '2026-12-02', 'fault-3')
		];
		const [later] = await searchSlots(t.scheduler.ctx, {
			patientState: 'TX',
			from: '2026-12-04',
			to: '2026-12-04',
			modality: 'video',
			limit: 1
		});
		await rescheduleAppointment(t.scheduler.ctx, visits[0]!.id, { slotId: later!.id });
		const notes = visits.map((visit) => signedNote(visit, `Plan for ${visit.id}`));
		for (const note of notes) await t.sign(note);
		await t.worker.drain();
		expect(await t.outboxStates()).toEqual(Array(7).fill('pending'));
		const attempts = await t.db
			.selectFrom('outbox')
			.select(['attempts', 'last_error'])
			.where('channel', '=', 'fhir')
			.orderBy('attempts')
			.execute();
		// Each was tried once and failed, except the reschedule, which waits behind its booking's write.
		expect(attempts[0]).toEqual({ attempts: 0, last_error: null });
		expect(attempts.slice(1).every((a) => a.attempts === 1 && a.last_error)).toBe(true);

		await t.sandbox.restart(port);
		t.scheduler.clock.advance(60 * 60_000);
		await t.worker.drain();
		expect(await t.outboxStates()).toEqual(Array(7).fill('delivered'));
		for (const visit of visits) expect(await t.inEhr(visit.id)).toHaveLength(1);
		for (const note of notes) expect(await t.documentsInEhr(note.id)).toHaveLength(1);
		expect((await t.inEhr(visits[0]!.id))[0]?.start).toBe(later!.start.toISOString());
	});
});
