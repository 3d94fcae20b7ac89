import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { AppError } from '../../src/lib/server/platform/errors';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { clinicSchedule } from '../../src/lib/server/scheduling/schedule';
import { dayIn } from '../../src/lib/server/scheduling/states';
import { patientNamed, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';

const NOW = '2026-11-30T15:00:00Z';

describe.each(DATABASE_KINDS)('the staff schedule on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
			now: NOW
		});
		const nurse = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'nurse@demo.anyvisit.test'),
			now: NOW
		});
		const layla = await patientNamed(db, phi, 'Layla');
		const haddad = await staffActorFor(db, 'samira.haddad@demo.anyvisit.test');
		const [slot] = await searchSlots(scheduler.ctx, {
			patientState: 'IL',
			from: '2026-12-02',
			to: '2026-12-02',
			clinicianId: haddad.id,
			modality: 'video',
			limit: 1
		});
		const { appointment } = await bookAppointment(
			scheduler.ctx,
			{ patientId: layla.id, slotId: slot!.id, modality: 'video', patientState: 'IL' },
			{ idempotencyKey: 'schedule-layla' }
		);
		return { db, scheduler, nurse, layla, haddad, appointment };
	}

	test('a day shows each visit with modality, the patient’s language and accommodations, and the licence basis', async () => {
		const t = await setup();
		const schedule = await clinicSchedule(t.nurse.ctx, { from: '2026-12-02', days: 1 });
		expect(schedule.timeZone).toBe('America/Chicago');
		expect(schedule).toMatchObject({ from: '2026-12-02', previous: '2026-12-01', next: '2026-12-03' });
		expect(schedule.days.map((d) => d.date)).toEqual(['2026-12-02']);
		expect(schedule.days[0]!.entries).toEqual([
			expect.objectContaining({
				id: t.appointment.id,
				patientName: 'Layla Hassan',
				patientLanguage: 'ar',
				accommodations: { interpreterLanguage: 'ar' },
				clinicianName: t.appointment.clinicianName,
				modality: 'video',
				patientState: 'IL',
				licence: expect.objectContaining({ allowed: true, basis: 'state_licence' })
			})
		]);
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['action', 'details'])
			.where('action', '=', 'schedule.read')
			.execute();
		expect(audit).toHaveLength(1);
		const details: unknown = audit[0]!.details;
		expect(typeof details === 'string' ? JSON.parse(details) : details).toEqual({
			days: 1,
			appointments: 1,
			patients: 1
		});
	});

	test('a licence that lapsed after booking shows on the schedule', async () => {
		const t = await setup();
		await t.db
			.updateTable('licenses')
			.set({ status: 'suspended' })
			.where('staff_id', '=', t.haddad.id)
			.execute();
		const [entry] = (await clinicSchedule(t.nurse.ctx, { from: '2026-12-02', days: 1 })).days[0]!.entries;
		expect(entry!.licence).toEqual({ allowed: false, reason: 'licence_not_active' });
	});

	test('a week runs Monday to Sunday in the clinician’s zone; another clinician’s week is empty of her visit', async () => {
		const t = await setup();
		const week = await clinicSchedule(t.nurse.ctx, { from: '2026-12-03', days: 7, clinicianId: t.haddad.id });
		expect(week.days.map((d) => d.date)).toEqual([
			'2026-11-30',
			'2026-12-01',
			'2026-12-02',
			'2026-12-03',
			'2026-12-04',
			'2026-12-05',
			'2026-12-06'
		]);
		expect(week.previous).toBe('2026-11-23');
		const entries = week.days.flatMap((d) => d.entries);
		expect(entries.map((e) => e.id)).toEqual([t.appointment.id]);
		for (const day of week.days)
			for (const e of day.entries) expect(dayIn(new Date(e.start), week.timeZone)).toBe(day.date);
		const reyes = await staffActorFor(t.db, 'daniel.reyes@demo.anyvisit.test');
		const his = await clinicSchedule(t.nurse.ctx, { from: '2026-12-03', days: 7, clinicianId: reyes.id });
		expect(his.days.flatMap((d) => d.entries)).toEqual([]);
	});

	test('a cancelled visit leaves the schedule', async () => {
		const t = await setup();
		await t.db.updateTable('appointments').set({ status: 'cancelled' }).execute();
		expect((await clinicSchedule(t.nurse.ctx, { from: '2026-12-02', days: 1 })).days[0]!.entries).toEqual([]);
	});

	test('patients may not see the schedule, and an unknown clinician is not found', async () => {
		const t = await setup();
		const asLayla = testContext(t.db, {
			phi,
			actor: { kind: 'patient', id: t.layla.id, organizationId: t.layla.organizationId },
			now: NOW
		});
		const refused = await clinicSchedule(asLayla.ctx, { days: 1 }).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(AppError);
		expect((refused as AppError).code).toBe('FORBIDDEN');
		const unknown = await clinicSchedule(t.nurse.ctx, {
			days: 1,
			clinicianId: '00000000-0000-4000-8000-000000000000'
		}).catch((e: unknown) => e);
		expect((unknown as AppError).code).toBe('NOT_FOUND');
	});
});
