import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { acceptModality, readinessFor, saveReadiness } from '../../src/lib/server/readiness/service';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { patientNamed, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

const NOW = '2026-11-30T15:00:00Z';
const WORKING = {
	browserSupported: true,
	camera: 'ok',
	microphone: 'ok',
	speakerHeard: true,
	downlinkKbps: 2400,
	rttMs: 80
} as const;

describe.each(DATABASE_KINDS)('the readiness check on %s', (kind) => {
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
		const rosa = await patientNamed(db, phi, 'Rosa');
		const [slot] = await searchSlots(scheduler.ctx, {
			patientState: 'TX',
			from: '2026-12-02',
			to: '2026-12-02',
			modality: 'video',
			limit: 1
		});
		const { appointment } = await bookAppointment(
			scheduler.ctx,
			{ patientId: rosa.id, slotId: slot!.id, modality: 'video', patientState: 'TX' },
			{ idempotencyKey: 'ready-1' }
		);
		const patient = testContext(db, {
			phi,
			actor: { kind: 'patient', id: rosa.id, organizationId: rosa.organizationId },
			now: NOW
		});
		return { db, scheduler, appointment, patient };
	}

	test('the server decides the recommendation; a new check replaces the result and keeps the visit code', async () => {
		const t = await setup();
		const first = await saveReadiness(t.patient.ctx, t.appointment.id, WORKING);
		expect(first).toMatchObject({ recommendation: 'video', accepted: null });
		expect(first.visitCode).toMatch(/^\d{6}$/);
		await acceptModality(t.patient.ctx, t.appointment.id, 'video');
		const weak = await saveReadiness(t.patient.ctx, t.appointment.id, { ...WORKING, downlinkKbps: 40 });
		expect(weak).toMatchObject({ recommendation: 'phone', accepted: null, visitCode: first.visitCode });
		await acceptModality(t.patient.ctx, t.appointment.id, 'phone');
		// Staff see what the patient's device could do.
		expect(await readinessFor(t.scheduler.ctx, t.appointment.id)).toMatchObject({
			accepted: 'phone',
			downlinkKbps: 40
		});
	});

	test('only the patient records a check; accepting before checking is refused; nothing is written', async () => {
		const t = await setup();
		expect((await appErrorOf(saveReadiness(t.scheduler.ctx, t.appointment.id, WORKING))).code).toBe(
			'NOT_FOUND'
		);
		expect((await appErrorOf(acceptModality(t.patient.ctx, t.appointment.id, 'video'))).code).toBe(
			'CONFLICT'
		);
		expect(await t.db.selectFrom('readiness_checks').select('appointment_id').execute()).toEqual([]);
	});
});
