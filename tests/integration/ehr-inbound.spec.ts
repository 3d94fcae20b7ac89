import type { Appointment as FhirAppointment } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { listEhrConflicts, pollEhrAppointments, resolveEhrConflict } from '../../src/lib/server/ehr/inbound';
import { readAppointment } from '../../src/lib/server/scheduling/repository';
import { rescheduleAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { ehrSyncHarness, useTestEhr } from '../helpers/ehr';
import { appErrorOf } from '../helpers/errors';

describe.each(DATABASE_KINDS)('changes made in the EHR come back to AnyVisit on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();
	const testEhr = useTestEhr();

	/** Rosa's visit booked in AnyVisit and synced; the EHR read once, so the next poll sees what follows. */
	async function setup() {
		const h = await ehrSyncHarness(database().db, phi, await testEhr());
		const visit = await h.book('Rosa', 'TX', '2026-12-02', 'inbound-1');
		await h.worker.drain();
		await pollEhrAppointments(h.deps);
		const [ehr] = await h.inEhr(visit.id);
		/** The clinic's front desk editing the appointment in the EHR itself. */
		const editInEhr = (change: Partial<FhirAppointment>) =>
			h.fhir.update<FhirAppointment>({ ...ehr!, meta: undefined, ...change });
		const poll = async () => {
			h.scheduler.clock.advance(60_000);
			return pollEhrAppointments(h.deps);
		};
		const laterSlot = async (day: string) =>
			(
				await searchSlots(h.scheduler.ctx, {
					patientState: 'TX',
					from: day,
					to: day,
					modality: 'video',
					clinicianId: visit.clinicianId,
					limit: 1
				})
			)[0]!;
		const conflicts = async () => (await listEhrConflicts(h.scheduler.ctx)).conflicts;
		const pendingSyncs = () =>
			h.db
				.selectFrom('outbox')
				.select('id')
				.where('channel', '=', 'fhir')
				.where('status', '=', 'pending')
				.execute();
		return { ...h, visit, editInEhr, poll, laterSlot, conflicts, pendingSyncs };
	}

	test('our own writes and EHR edits to what AnyVisit does not own change nothing here', async () => {
		const t = await setup();
		expect(await t.poll()).toMatchObject({ ours: 1, accepted: 0, conflict: 0 });
		await t.editInEhr({ comment: 'Interpreter requested at the front desk' });
		expect(await t.poll()).toMatchObject({ accepted: 1, conflict: 0 });
		expect(await t.poll()).toMatchObject({ ours: 1, accepted: 0 });
		expect(await readAppointment(t.db, t.visit.id)).toMatchObject({ status: 'booked', start: t.visit.start });
		expect(await t.conflicts()).toEqual([]);
		// The next change from AnyVisit writes over the edited version without a conflict.
		const later = await t.laterSlot('2026-12-03');
		await rescheduleAppointment(t.scheduler.ctx, t.visit.id, { slotId: later.id });
		await t.worker.drain();
		expect((await t.inEhr(t.visit.id))[0]?.start).toBe(later.start.toISOString());
		expect(await t.conflicts()).toEqual([]);
	});

	test('a cancellation in the EHR cancels the visit here and tells the patient, without echoing back', async () => {
		const t = await setup();
		await t.editInEhr({ status: 'cancelled' });
		expect(await t.poll()).toMatchObject({ cancelled: 1 });
		expect(await readAppointment(t.db, t.visit.id)).toMatchObject({
			status: 'cancelled',
			cancelReason: 'cancelled_in_ehr'
		});
		const told = await t.db
			.selectFrom('appointment_messages')
			.select(['kind', 'status'])
			.where('appointment_id', '=', t.visit.id)
			.where('kind', '=', 'cancelled')
			.execute();
		expect(told.length).toBeGreaterThan(0);
		expect(await t.pendingSyncs()).toEqual([]);
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['actor_kind', 'details'])
			.where('action', '=', 'appointment.cancel')
			.where('resource_id', '=', t.visit.id)
			.execute();
		expect(audit.map((a) => ({ ...a, details: JSON.parse(a.details) as unknown }))).toEqual([
			{ actor_kind: 'system', details: { reason: 'cancelled_in_ehr', source: 'ehr' } }
		]);
		// Read again (the overlap), it changes nothing.
		expect(await t.poll()).toMatchObject({ ours: 1, cancelled: 0 });
	});

	test('a move in the EHR is a conflict for staff; taking the EHR’s time moves the visit here through the schedule', async () => {
		const t = await setup();
		const later = await t.laterSlot('2026-12-04');
		await t.editInEhr({ start: later.start.toISOString(), end: later.end.toISOString() });
		expect(await t.poll()).toMatchObject({ conflict: 1 });
		expect(await t.poll()).toMatchObject({ conflict: 1 });
		const [conflict, ...more] = await t.conflicts();
		expect(more).toEqual([]);
		expect(conflict).toMatchObject({ takeEhr: 'move', ehr: { status: 'booked', start: later.start } });
		expect(conflict!.anyvisit.start).toEqual(t.visit.start);
		await resolveEhrConflict(t.scheduler.ctx, conflict!.id, 'take_ehr');
		expect((await readAppointment(t.db, t.visit.id))?.start).toEqual(later.start);
		await t.worker.drain();
		expect(await t.outboxStates()).not.toContain('dead');
		const [ehr] = await t.inEhr(t.visit.id);
		expect(ehr).toMatchObject({ start: later.start.toISOString(), status: 'booked' });
		expect(await t.poll()).toMatchObject({ conflict: 0 });
		expect(await t.conflicts()).toEqual([]);
	});

	test('both sides changed: nothing is written over; keeping AnyVisit’s writes it over the EHR and stays decided', async () => {
		const t = await setup();
		const theirs = await t.laterSlot('2026-12-04');
		await t.editInEhr({ start: theirs.start.toISOString(), end: theirs.end.toISOString() });
		const mine = await t.laterSlot('2026-12-03');
		await rescheduleAppointment(t.scheduler.ctx, t.visit.id, { slotId: mine.id });
		await t.worker.drain();
		expect((await t.inEhr(t.visit.id))[0]?.start).toBe(theirs.start.toISOString());
		const [conflict] = await t.conflicts();
		expect(conflict).toMatchObject({ ehr: { start: theirs.start } });
		expect(conflict!.anyvisit.start).toEqual(mine.start);

		await resolveEhrConflict(t.scheduler.ctx, conflict!.id, 'keep_anyvisit');
		await t.worker.drain();
		expect((await t.inEhr(t.visit.id))[0]?.start).toBe(mine.start.toISOString());
		expect(await t.poll()).toMatchObject({ conflict: 0 });
		expect(await t.conflicts()).toEqual([]);
		const decided = await t.db.selectFrom('ehr_conflicts').select(['resolution', 'resolved_by']).execute();
		expect(decided).toEqual([
			{
				resolution: 'kept_anyvisit',
				resolved_by: t.scheduler.ctx.actor.kind === 'staff' ? t.scheduler.ctx.actor.id : null
			}
		]);
	});

	test('an EHR time the schedule cannot take is refused; the visit and the conflict stay as they were', async () => {
		const t = await setup();
		const night = new Date('2026-12-05T08:00:00Z'); // 2 a.m. in Chicago, outside every clinician's hours
		await t.editInEhr({
			start: night.toISOString(),
			end: new Date(night.getTime() + 20 * 60_000).toISOString()
		});
		await t.poll();
		const [conflict] = await t.conflicts();
		const error = await appErrorOf(resolveEhrConflict(t.scheduler.ctx, conflict!.id, 'take_ehr'));
		expect(error.code).toBe('SLOT_UNAVAILABLE');
		expect((await readAppointment(t.db, t.visit.id))?.start).toEqual(t.visit.start);
		expect(await t.conflicts()).toHaveLength(1);
		expect(await t.pendingSyncs()).toEqual([]);
	});

	test('only those who run the schedule decide conflicts; a clinician is refused and the refusal audited', async () => {
		const t = await setup();
		const clinician = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'daniel.reyes@demo.anyvisit.test'),
			now: '2026-11-30T15:00:00Z'
		});
		expect((await appErrorOf(listEhrConflicts(clinician.ctx))).code).toBe('FORBIDDEN');
		const refused = await t.db
			.selectFrom('audit_log')
			.select('outcome')
			.where('action', '=', 'ehr.conflict.list')
			.execute();
		expect(refused).toEqual([{ outcome: 'denied' }]);
		const unknown = await appErrorOf(
			resolveEhrConflict(t.scheduler.ctx, '00000000-0000-4000-8000-000000000000', 'keep_anyvisit')
		);
		expect(unknown.code).toBe('NOT_FOUND');
	});
});
