import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import {
	addException,
	addWeeklyHours,
	clinicianHours,
	manageableClinicians,
	removeException,
	removeWeeklyHours,
	saveOfferings
} from '../../src/lib/server/scheduling/hours';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { patientNamed, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

const NOW = '2026-11-30T15:00:00Z'; // a Monday

describe.each(DATABASE_KINDS)('clinicians’ hours on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const haddad = await staffActorFor(db, 'samira.haddad@demo.anyvisit.test');
		const reyes = await staffActorFor(db, 'daniel.reyes@demo.anyvisit.test');
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
			now: NOW
		});
		const asHaddad = testContext(db, { phi, actor: haddad, now: NOW });
		const slotsOn = async (day: string, extra: { language?: string; visitType?: string } = {}) =>
			(
				await searchSlots(scheduler.ctx, {
					patientState: 'IL',
					from: day,
					to: day,
					clinicianId: haddad.id,
					...extra
				})
			).map((s) => s.start.toISOString());
		const counts = async () => ({
			weekly: (await db.selectFrom('availability_templates').select('id').execute()).length,
			exceptions: (await db.selectFrom('availability_exceptions').select('id').execute()).length
		});
		return { db, haddad, reyes, scheduler, asHaddad, slotsOn, counts };
	}

	test('weekly hours on a Saturday open Saturday slots in the clinician’s zone; removing them closes them', async () => {
		const t = await setup();
		expect(await t.slotsOn('2026-12-05')).toEqual([]);
		const { id } = await addWeeklyHours(t.scheduler.ctx, t.haddad.id, {
			weekday: 6,
			start: '10:00',
			end: '11:00',
			modalities: ['video']
		});
		// 10:00 and 10:30 in Chicago (UTC-6 in December), follow-ups of 20 minutes plus 10 of buffer.
		expect(await t.slotsOn('2026-12-05', { visitType: 'follow-up' })).toEqual([
			'2026-12-05T16:00:00.000Z',
			'2026-12-05T16:30:00.000Z'
		]);
		const hours = await clinicianHours(t.scheduler.ctx, t.haddad.id);
		expect(hours.weekly.find((w) => w.id === id)).toMatchObject({
			weekday: 6,
			start: '10:00',
			end: '11:00',
			modalities: ['video'],
			validFrom: '2026-11-30',
			validUntil: null
		});
		await removeWeeklyHours(t.scheduler.ctx, t.haddad.id, id);
		expect(await t.slotsOn('2026-12-05')).toEqual([]);
	});

	test('overlapping or malformed hours are refused and nothing is written', async () => {
		const t = await setup();
		const before = await t.counts();
		const overlap = await appErrorOf(
			addWeeklyHours(t.scheduler.ctx, t.haddad.id, {
				weekday: 1,
				start: '15:00',
				end: '18:00',
				modalities: ['video']
			})
		);
		expect(overlap.code).toBe('CONFLICT');
		expect(overlap.fields[0]).toMatchObject({ field: 'start', key: 'errors:hours.overlap' });
		const bad = await appErrorOf(
			addWeeklyHours(t.scheduler.ctx, t.haddad.id, {
				weekday: 8,
				start: '9am',
				end: '25:00',
				modalities: ['hologram'],
				validFrom: '2026-02-30'
			})
		);
		expect(bad.fields.map((f) => f.field)).toEqual(['weekday', 'start', 'end', 'modalities', 'validFrom']);
		const reversed = await appErrorOf(
			addWeeklyHours(t.scheduler.ctx, t.haddad.id, {
				weekday: 6,
				start: '12:00',
				end: '11:00',
				modalities: ['video']
			})
		);
		expect(reversed.fields).toEqual([{ field: 'end', key: 'errors:hours.end_before_start' }]);
		expect(await t.counts()).toEqual(before);
	});

	test('time off closes the day and counts the visits already booked in it; removing it reopens the day', async () => {
		const t = await setup();
		const layla = await patientNamed(t.db, phi, 'Layla');
		const open = await t.slotsOn('2026-12-02');
		expect(open.length).toBeGreaterThan(0);
		await bookAppointment(
			t.scheduler.ctx,
			{
				patientId: layla.id,
				clinicianId: t.haddad.id,
				start: open[0]!,
				visitType: 'follow-up',
				modality: 'video',
				patientState: 'IL'
			},
			{ idempotencyKey: 'hours-layla' }
		);
		const afterBooking = await t.slotsOn('2026-12-02');
		expect(afterBooking).not.toContain(open[0]);
		const { id, bookedInside } = await addException(t.asHaddad.ctx, t.haddad.id, {
			kind: 'unavailable',
			date: '2026-12-02',
			start: '08:00',
			end: '18:00',
			reason: 'Training'
		});
		expect(bookedInside).toBe(1);
		expect(await t.slotsOn('2026-12-02')).toEqual([]);
		const hours = await clinicianHours(t.asHaddad.ctx, t.haddad.id);
		expect(hours.exceptions).toEqual([
			expect.objectContaining({
				id,
				kind: 'unavailable',
				start: '2026-12-02T14:00:00.000Z',
				end: '2026-12-03T00:00:00.000Z',
				bookedInside: 1
			})
		]);
		await removeException(t.asHaddad.ctx, t.haddad.id, id);
		expect(await t.slotsOn('2026-12-02')).toEqual(afterBooking);
	});

	test('extra hours on the day daylight saving starts are cut in the new offset', async () => {
		const t = await setup();
		await addException(t.scheduler.ctx, t.haddad.id, {
			kind: 'available',
			date: '2027-03-14',
			start: '08:00',
			end: '09:00',
			modalities: ['phone']
		});
		// Chicago is UTC-5 from 2 a.m. that Sunday: 8:00 is 13:00 UTC.
		expect(await t.slotsOn('2027-03-14', { visitType: 'follow-up' })).toEqual([
			'2027-03-14T13:00:00.000Z',
			'2027-03-14T13:30:00.000Z'
		]);
		const past = await appErrorOf(
			addException(t.scheduler.ctx, t.haddad.id, {
				kind: 'unavailable',
				date: '2026-11-01',
				start: '08:00',
				end: '09:00'
			})
		);
		expect(past.fields[0]).toMatchObject({ field: 'date', key: 'errors:field.in_the_past' });
	});

	test('languages and visit types offered drive the slot search', async () => {
		const t = await setup();
		expect((await t.slotsOn('2026-12-02', { language: 'vi' })).length).toBe(0);
		const followUp = (await clinicianHours(t.scheduler.ctx, t.haddad.id)).visitTypes.find(
			(v) => v.code === 'follow-up'
		)!;
		await saveOfferings(t.asHaddad.ctx, t.haddad.id, {
			languages: ['en', 'vi'],
			visitTypeIds: [followUp.id]
		});
		expect((await t.slotsOn('2026-12-02', { language: 'vi' })).length).toBeGreaterThan(0);
		expect(await t.slotsOn('2026-12-02', { visitType: 'behavioral-health' })).toEqual([]);
		const bad = await appErrorOf(
			saveOfferings(t.asHaddad.ctx, t.haddad.id, { languages: ['xx'], visitTypeIds: ['nope'] })
		);
		expect(bad.fields.map((f) => f.field)).toEqual(['languages', 'visitTypeIds']);
		expect((await clinicianHours(t.asHaddad.ctx, t.haddad.id)).languages).toEqual(['en', 'vi']);
	});

	test('a clinician manages only their own hours; the refusal is audited and nothing changes', async () => {
		const t = await setup();
		const before = await t.counts();
		expect((await manageableClinicians(t.asHaddad.ctx)).map((c) => c.id)).toEqual([t.haddad.id]);
		expect((await manageableClinicians(t.scheduler.ctx)).length).toBeGreaterThan(3);
		const refused = await appErrorOf(
			addWeeklyHours(t.asHaddad.ctx, t.reyes.id, {
				weekday: 6,
				start: '10:00',
				end: '11:00',
				modalities: ['video']
			})
		);
		expect(refused.code).toBe('FORBIDDEN');
		expect((await appErrorOf(clinicianHours(t.asHaddad.ctx, t.reyes.id))).code).toBe('FORBIDDEN');
		expect(await t.counts()).toEqual(before);
		const denied = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('outcome', '=', 'denied')
			.execute();
		expect(denied.map((d) => d.action)).toEqual(['hours.weekly.add', 'hours.read']);
		const missing = await appErrorOf(clinicianHours(t.scheduler.ctx, '00000000-0000-4000-8000-000000000000'));
		expect(missing.code).toBe('NOT_FOUND');
	});
});
