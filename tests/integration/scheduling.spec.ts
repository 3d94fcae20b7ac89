import { appointmentOfLink } from '../../src/lib/server/identity/visit-link';
import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import type { Actor } from '../../src/lib/server/platform/context';
import { openPayload } from '../../src/lib/server/platform/outbox/repository';
import {
	bookAppointment,
	cancelAppointment,
	rescheduleAppointment
} from '../../src/lib/server/scheduling/booking';
import { dispatchDueMessages } from '../../src/lib/server/scheduling/messages';
import { findSlots } from '../../src/lib/server/scheduling/slots';
import { findVisitType } from '../../src/lib/server/scheduling/visit-types';
import { patientNamed, staffActorFor } from '../factories';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { testContext, testPhiCipher } from '../helpers/context';

// Monday 30 November 2026, 15:00 UTC (9:00 in Chicago).
const NOW = '2026-11-30T15:00:00Z';

describe.each(DATABASE_KINDS)('scheduling on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = await staffActorFor(db, 'scheduler@demo.anyvisit.test');
		const reyes = await staffActorFor(db, 'daniel.reyes@demo.anyvisit.test');
		const okafor = await staffActorFor(db, 'maya.okafor@demo.anyvisit.test');
		const organizationId = scheduler.organizationId;
		const as = (actor: Actor) => testContext(db, { phi, actor, now: NOW });
		const staffCtx = as(scheduler);
		const rosa = await patientNamed(db, phi, 'Rosa');
		const followUp = (await findVisitType(db, organizationId, 'follow-up'))!;
		const search = (q: {
			patientState: string;
			from: string;
			to: string;
			clinicianId?: string;
			modality?: 'video' | 'in_person';
		}) => findSlots(db, { organizationId, visitType: followUp, limit: 5000, now: new Date(NOW), ...q });
		return { db, organizationId, staffCtx, as, rosa, reyes, okafor, followUp, search };
	}

	test('slots come only from clinicians licensed where the patient will be', async () => {
		const t = await setup();
		const tx = await t.search({ patientState: 'TX', from: '2026-12-01', to: '2026-12-04' });
		expect(tx.length).toBeGreaterThan(0);
		expect(new Set(tx.map((s) => s.clinicianId))).toEqual(new Set([t.reyes.id]));
		const co = await t.search({ patientState: 'CO', from: '2026-12-01', to: '2026-12-04' });
		expect(new Set(co.map((s) => s.clinicianId))).toEqual(new Set([t.okafor.id]));
		expect(await t.search({ patientState: 'CA', from: '2026-12-01', to: '2026-12-04' })).toEqual([]);
	});

	test('slots follow the clinician’s wall clock across the daylight-saving change', async () => {
		const t = await setup();
		// Dr. Reyes starts at 8:00 in Chicago: 14:00 UTC in winter (CST), 13:00 UTC in summer (CDT).
		const before = await t.search({ patientState: 'TX', from: '2027-03-12', to: '2027-03-12' });
		const after = await t.search({ patientState: 'TX', from: '2027-03-15', to: '2027-03-15' });
		expect(before[0]!.start.toISOString()).toBe('2027-03-12T14:00:00.000Z');
		expect(after[0]!.start.toISOString()).toBe('2027-03-15T13:00:00.000Z');
		// Slots are 20 minutes plus a 10-minute buffer apart.
		expect(before[1]!.start.getTime() - before[0]!.start.getTime()).toBe(30 * 60_000);
	});

	test('in-person slots only on the days the clinician sees people in the clinic', async () => {
		const t = await setup();
		const slots = await t.search({
			patientState: 'TX',
			from: '2026-11-30',
			to: '2026-12-06',
			modality: 'in_person'
		});
		const weekdays = new Set(slots.map((s) => new Date(s.start).getUTCDay()));
		expect(weekdays).toEqual(new Set([2, 4]));
	});

	test('a booking takes the slot, queues the confirmation in the patient’s language, and is idempotent', async () => {
		const t = await setup();
		const [slot] = await t.search({ patientState: 'TX', from: '2026-12-02', to: '2026-12-02' });
		const request = {
			patientId: t.rosa.id,
			slotId: slot!.id,
			modality: 'video' as const,
			patientState: 'TX'
		};
		const first = await bookAppointment(t.staffCtx.ctx, request, { idempotencyKey: 'key-0001' });
		expect(first.created).toBe(true);
		expect(first.appointment).toMatchObject({
			clinicianId: t.reyes.id,
			status: 'booked',
			patientId: t.rosa.id
		});
		const again = await bookAppointment(t.staffCtx.ctx, request, { idempotencyKey: 'key-0001' });
		expect(again).toMatchObject({ created: false, appointment: { id: first.appointment.id } });
		expect(await t.db.selectFrom('appointments').selectAll().execute()).toHaveLength(1);
		await expect(
			bookAppointment(t.staffCtx.ctx, { ...request, modality: 'audio' }, { idempotencyKey: 'key-0001' })
		).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });

		const after = await t.search({ patientState: 'TX', from: '2026-12-02', to: '2026-12-02' });
		expect(after.map((s) => s.id)).not.toContain(slot!.id);

		// Confirmation now by SMS and email (Rosa has both), reminders 72 h, 24 h and 1 h before.
		const planned = await t.db.selectFrom('appointment_messages').selectAll().orderBy('send_at').execute();
		expect(
			planned
				.filter((m) => m.kind === 'booked')
				.map((m) => m.channel)
				.sort()
		).toEqual(['email', 'sms']);
		expect(planned.filter((m) => m.kind === 'reminder').map((m) => m.offset_minutes)).toEqual([
			1440, 1440, 60, 60
		]);
		const deps = {
			db: t.db,
			phi,
			clock: t.staffCtx.clock,
			logger: t.staffCtx.ctx.logger,
			baseUrl: 'https://clinic.example'
		};
		await dispatchDueMessages(deps);
		// The patient's messages, and the appointment on its way to the EHR (ehr-sync.spec.ts, hl7-sync.spec.ts).
		const queued = await t.db.selectFrom('outbox').selectAll().execute();
		expect(queued.map((o) => o.channel).sort()).toEqual(['email', 'fhir', 'hl7v2', 'sms']);
		const outbox = queued.filter((o) => o.channel === 'sms' || o.channel === 'email');
		for (const row of outbox) {
			const payload = await openPayload(t.db, phi, row);
			expect(payload.language).toBe('es');
			if (row.channel === 'sms') {
				expect([...String(payload.body)].length).toBeLessThanOrEqual(160);
				// The visit's own link: the id and its tag, nothing about the patient.
				const link = String(payload.body).match(/https:\/\/clinic\.example\/v\/([A-Za-z0-9_-]{38})\b/);
				expect(link?.[1] && appointmentOfLink(phi, link[1])).toBe(first.appointment.id);
			} else {
				const [ics] = payload.attachments as { content: string }[];
				expect(ics!.content).toContain('BEGIN:VEVENT');
				expect(ics!.content).toContain('DTSTART:20261202T140000Z');
			}
		}
	});

	test('each clinic sets its own reminder offsets; the reminders of a booking follow them', async () => {
		const t = await setup();
		await t.db
			.updateTable('organizations')
			.set({ reminder_offsets_minutes: [48 * 60, 2 * 60] })
			.where('id', '=', t.rosa.organizationId)
			.execute();
		const [slot] = await t.search({ patientState: 'TX', from: '2026-12-04', to: '2026-12-04' });
		await bookAppointment(
			t.staffCtx.ctx,
			{ patientId: t.rosa.id, slotId: slot!.id, modality: 'video', patientState: 'TX' },
			{ idempotencyKey: 'offsets-0001' }
		);
		const reminders = await t.db
			.selectFrom('appointment_messages')
			.select(['offset_minutes', 'send_at'])
			.where('kind', '=', 'reminder')
			.where('channel', '=', 'sms')
			.orderBy('send_at')
			.execute();
		expect(reminders.map((r) => r.offset_minutes)).toEqual([2880, 120]);
		expect(reminders[1]!.send_at.getTime()).toBe(slot!.start.getTime() - 120 * 60_000);
		// Offsets outside 5 minutes to 14 days are refused by the database itself.
		await expect(
			t.db
				.updateTable('organizations')
				.set({ reminder_offsets_minutes: [30 * 24 * 60] })
				.execute()
		).rejects.toThrow();
	});

	test('a clinician not licensed for the state is refused with LICENSURE, and nothing is written', async () => {
		const t = await setup();
		const [coSlot] = await t.search({ patientState: 'CO', from: '2026-12-02', to: '2026-12-02' });
		await expect(
			bookAppointment(
				t.staffCtx.ctx,
				{ patientId: t.rosa.id, slotId: coSlot!.id, modality: 'video', patientState: 'TX' },
				{ idempotencyKey: 'key-0002' }
			)
		).rejects.toMatchObject({ code: 'LICENSURE', status: 422, params: { reason: 'no_licence_for_state' } });
		expect(await t.db.selectFrom('appointments').selectAll().execute()).toEqual([]);
		expect(await t.db.selectFrom('appointment_messages').selectAll().execute()).toEqual([]);
	});

	test('bad requests are clear 4xx and write nothing', async () => {
		const t = await setup();
		const base = {
			patientId: t.rosa.id,
			clinicianId: t.reyes.id,
			visitType: 'follow-up',
			modality: 'video' as const,
			patientState: 'TX'
		};
		await expect(
			bookAppointment(
				t.staffCtx.ctx,
				{ ...base, start: '2026-11-30T14:00:00Z' },
				{ idempotencyKey: 'k-past' }
			)
		).rejects.toMatchObject({ code: 'SLOT_UNAVAILABLE' });
		await expect(
			bookAppointment(
				t.staffCtx.ctx,
				{ ...base, start: '2026-12-02T03:00:00Z' },
				{ idempotencyKey: 'k-night' }
			)
		).rejects.toMatchObject({ code: 'SLOT_UNAVAILABLE' });
		await expect(
			bookAppointment(
				t.staffCtx.ctx,
				{ ...base, visitType: 'nope', start: '2026-12-02T14:00:00Z' },
				{ idempotencyKey: 'k-vt' }
			)
		).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ field: 'visitType' }] });
		const marcus = await patientNamed(t.db, phi, 'Marcus');
		const asRosa = t.as({ kind: 'patient', id: t.rosa.id, organizationId: t.organizationId });
		await expect(
			bookAppointment(
				asRosa.ctx,
				{ ...base, patientId: marcus.id, start: '2026-12-02T14:00:00Z' },
				{ idempotencyKey: 'k-other' }
			)
		).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
		expect(await t.db.selectFrom('appointments').selectAll().execute()).toEqual([]);
	});

	test('rescheduling onto a taken time is a 409 and leaves both visits as they were; cancelling tells the patient', async () => {
		const t = await setup();
		const base = {
			clinicianId: t.reyes.id,
			visitType: 'follow-up',
			modality: 'video' as const,
			patientState: 'TX'
		};
		const asRosa = t.as({ kind: 'patient', id: t.rosa.id, organizationId: t.organizationId });
		const a = await bookAppointment(
			asRosa.ctx,
			{ ...base, start: '2026-12-02T14:00:00Z' },
			{ idempotencyKey: 'rosa-1' }
		);
		const marcus = await patientNamed(t.db, phi, 'Marcus');
		const b = await bookAppointment(
			t.staffCtx.ctx,
			{ ...base, patientId: marcus.id, patientState: 'TX', start: '2026-12-02T15:00:00Z' },
			{ idempotencyKey: 'marcus-1' }
		);
		await expect(
			rescheduleAppointment(asRosa.ctx, a.appointment.id, { start: '2026-12-02T15:00:00Z' })
		).rejects.toMatchObject({ code: 'SLOT_TAKEN', status: 409 });
		const moved = await rescheduleAppointment(asRosa.ctx, a.appointment.id, {
			start: '2026-12-02T16:00:00Z'
		});
		expect(moved.start.toISOString()).toBe('2026-12-02T16:00:00.000Z');
		expect(moved.rescheduleCount).toBe(1);
		const cancelled = await cancelAppointment(asRosa.ctx, a.appointment.id, { reason: 'patient_request' });
		expect(cancelled.status).toBe('cancelled');
		const kinds = await t.db
			.selectFrom('appointment_messages')
			.select(['kind', 'status'])
			.where('appointment_id', '=', a.appointment.id)
			.execute();
		expect(
			kinds
				.filter((k) => k.status === 'scheduled')
				.map((k) => k.kind)
				.sort()
		).toEqual(['cancelled', 'cancelled']);
		// The freed time can be booked again.
		await expect(
			bookAppointment(asRosa.ctx, { ...base, start: '2026-12-02T16:00:00Z' }, { idempotencyKey: 'rosa-2' })
		).resolves.toMatchObject({ created: true });
		expect(b.appointment.status).toBe('booked');
	});

	test('racing for the same time: exactly one booking wins, every other request is a clean 409', async () => {
		const t = await setup();
		const patients = await t.db.selectFrom('patients').select('id').execute();
		const attempts = patients.map((p, i) =>
			bookAppointment(
				t.staffCtx.ctx,
				{
					patientId: p.id,
					clinicianId: t.reyes.id,
					visitType: 'follow-up',
					modality: 'video',
					patientState: 'TX',
					start: '2026-12-03T14:00:00Z'
				},
				{ idempotencyKey: `race-${i}` }
			).then(
				() => 'booked',
				(e: { code?: string }) => e.code ?? 'error'
			)
		);
		const outcomes = await Promise.all(attempts);
		expect(outcomes.filter((o) => o === 'booked')).toHaveLength(1);
		expect(outcomes.filter((o) => o !== 'booked').every((o) => o === 'SLOT_TAKEN')).toBe(true);
	});
});

describe('appointment texts', () => {
	test('stay within 160 characters in every language, with a long clinic name and link', async () => {
		const { smsText } = await import('../../src/lib/server/scheduling/messages');
		const { LANGUAGE_CODES } = await import('../../src/lib/i18n/languages');
		for (const language of LANGUAGE_CODES) {
			for (const kind of ['booked', 'rescheduled', 'cancelled', 'reminder'] as const) {
				const text = smsText(
					{
						appointment: { start: new Date('2026-12-02T14:00:00Z') } as never,
						patient: { preferredLanguage: language, timeZone: 'America/Chicago' } as never,
						clinicName: 'Riverbend Community Health',
						baseUrl: 'https://visits.riverbend-health.example',
						visitUrl: `https://visits.riverbend-health.example/v/${'x'.repeat(38)}`
					},
					kind
				);
				expect([...text].length, `${language} ${kind}: ${text}`).toBeLessThanOrEqual(160);
				// The visit's own link, whole; a cancelled visit's text leads to booking again.
				expect(text, `${language} ${kind}`).toContain(
					kind === 'cancelled'
						? 'https://visits.riverbend-health.example/visits'
						: `https://visits.riverbend-health.example/v/${'x'.repeat(38)}`
				);
			}
		}
	});
});
