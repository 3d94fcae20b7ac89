import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { handleInboundSms, keywordOf } from '../../src/lib/server/messaging/inbound-sms';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { dispatchDueMessages } from '../../src/lib/server/scheduling/messages';
import { patientNamed } from '../factories';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { testContext, testPhiCipher } from '../helpers/context';

const NOW = '2026-11-30T15:00:00Z';

describe('what a text asks for', () => {
	test.each([
		['C', 'confirm'],
		[' c. ', 'confirm'],
		['R', 'reschedule'],
		['С', 'confirm'],
		['р', 'reschedule'],
		['STOP', 'opt_out'],
		['Stop texting me please', 'opt_out'],
		['opt out', 'opt_out'],
		['CANCEL', 'opt_out'],
		['unsubscribe', 'opt_out'],
		['Quit', 'opt_out'],
		['END', 'opt_out'],
		['revoke', 'opt_out'],
		['START', 'opt_in'],
		['help', 'help'],
		['see you then', 'unknown']
	])('%j is %s', (body, keyword) => {
		expect(keywordOf(body)).toBe(keyword);
	});
});

describe.each(DATABASE_KINDS)('incoming texts on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const rosa = await patientNamed(db, phi, 'Rosa');
		const reyes = await db
			.selectFrom('staff')
			.select('id')
			.where('email', '=', 'daniel.reyes@demo.anyvisit.test')
			.executeTakeFirstOrThrow();
		const asRosa = testContext(db, {
			phi,
			actor: { kind: 'patient', id: rosa.id, organizationId: rosa.organizationId },
			now: NOW
		});
		const system = testContext(db, { phi, actor: { kind: 'system' }, now: NOW });
		const { appointment } = await bookAppointment(
			asRosa.ctx,
			{
				clinicianId: reyes.id,
				visitType: 'follow-up',
				modality: 'video',
				patientState: 'TX',
				start: '2026-12-02T14:00:00Z'
			},
			{ idempotencyKey: 'rosa-0001' }
		);
		const text = (body: string, sid: string) =>
			handleInboundSms(system.ctx, { messageSid: sid, from: '+15125550101', body });
		return { db, rosa, appointment, text, system };
	}

	test('C confirms the next visit and answers in the patient’s language; a repeated delivery changes nothing', async () => {
		const t = await setup();
		const reply = await t.text('C', 'SM1');
		expect(reply).toMatch(/2 dic/);
		const row = await t.db
			.selectFrom('appointments')
			.select(['status', 'confirmed_at'])
			.executeTakeFirstOrThrow();
		expect(row.status).toBe('confirmed');
		await t.text('C', 'SM1');
		expect(await t.db.selectFrom('inbound_sms').selectAll().execute()).toHaveLength(1);
		const audit = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'sms.confirm')
			.execute();
		expect(audit).toHaveLength(1);
		// The body of the text is never stored.
		expect(JSON.stringify(await t.db.selectFrom('inbound_sms').selectAll().execute())).not.toContain(
			'+15125550101'
		);
	});

	test('STOP opts out at once with one confirmation; no further text goes out until START', async () => {
		const t = await setup();
		expect(await t.text('STOP', 'SM2')).toBeTruthy();
		expect(await t.text('stop', 'SM3')).toBeNull();
		expect(await t.text('C', 'SM4')).toBeNull();
		await dispatchDueMessages({
			db: t.db,
			phi,
			clock: t.system.clock,
			logger: t.system.ctx.logger,
			baseUrl: 'https://x.example'
		});
		const messages = await t.db
			.selectFrom('appointment_messages')
			.select(['channel', 'status', 'skip_reason'])
			.where('kind', '=', 'booked')
			.execute();
		expect(messages.find((m) => m.channel === 'sms')).toMatchObject({
			status: 'skipped',
			skip_reason: 'opted_out'
		});
		expect(messages.find((m) => m.channel === 'email')?.status).toBe('queued');
		expect(await t.text('START', 'SM5')).toBeTruthy();
		expect(await t.text('C', 'SM6')).toBeTruthy();
	});

	test('a number with no upcoming visit is told so; HELP names the clinic', async () => {
		const t = await setup();
		const stranger = await handleInboundSms(t.system.ctx, {
			messageSid: 'SM7',
			from: '+13035550199',
			body: 'C'
		});
		expect(stranger).toContain('call the clinic');
		expect(await t.text('HELP', 'SM8')).toContain('Riverbend Community Health');
	});
});
