import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { createTwilioClient, type TwilioHttpClient } from '../../src/lib/server/integrations/twilio/client';
import { twilioSmsTransport } from '../../src/lib/server/integrations/twilio/messaging';
import { twilioVoiceTransport } from '../../src/lib/server/integrations/twilio/voice';
import type { TwilioSettings } from '../../src/lib/server/platform/config';
import { devSinkTransport } from '../../src/lib/server/platform/outbox/dev-sink';
import { createOutboxWorker } from '../../src/lib/server/platform/outbox/worker';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { recordDeliveryOutcome, recordProviderStatus } from '../../src/lib/server/scheduling/delivery-status';
import { dispatchDueMessages } from '../../src/lib/server/scheduling/messages';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { patientNamed, staffActorFor } from '../factories';
import { captureLogger, testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';

const NOW = '2026-11-30T16:00:00Z';
const SETTINGS: TwilioSettings = {
	accountSid: 'AC' + '0123456789abcdef'.repeat(2),
	authToken: 'a-real-looking-auth-token',
	fromNumber: '+15005550006',
	messagingServiceSid: undefined
};

/** Twilio answering each create with the documented 201 (a fresh sid each time), or with an error. */
function twilioAnswering(error?: { status: number; code: number }) {
	let n = 0;
	const http: TwilioHttpClient = {
		request(options) {
			if (error) {
				return Promise.resolve({
					statusCode: error.status,
					body: JSON.stringify({ code: error.code, message: 'refused', status: error.status })
				});
			}
			n += 1;
			const prefix = options.uri.endsWith('/Calls.json') ? 'CA' : 'SM';
			return Promise.resolve({
				statusCode: 201,
				body: JSON.stringify({ sid: `${prefix}${String(n).padStart(32, '0')}`, status: 'queued' })
			});
		}
	};
	return createTwilioClient(SETTINGS, http);
}

describe.each(DATABASE_KINDS)('delivery status of appointment messages on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	/** Books a visit for the patient, hands its messages to the outbox and delivers them through Twilio. */
	async function bookAndSend(givenName: 'Rosa' | 'Dorothy', twilio = twilioAnswering()) {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const patient = await patientNamed(db, phi, givenName);
		const scheduler = await staffActorFor(db, 'scheduler@demo.anyvisit.test');
		const staff = testContext(db, { phi, actor: scheduler, now: NOW });
		const state = givenName === 'Rosa' ? 'TX' : 'WI';
		const modality = givenName === 'Rosa' ? 'video' : 'phone';
		const [slot] = await searchSlots(staff.ctx, {
			patientState: state,
			from: '2026-12-07',
			to: '2026-12-11',
			modality,
			limit: 1
		});
		await bookAppointment(
			staff.ctx,
			{ patientId: patient.id, slotId: slot!.id, modality, patientState: state },
			{ idempotencyKey: `delivery-${givenName}` }
		);
		const system = testContext(db, { phi, actor: { kind: 'system' }, now: NOW });
		await dispatchDueMessages({
			db,
			phi,
			clock: system.clock,
			logger: system.ctx.logger,
			baseUrl: 'https://clinic.example.org'
		});
		const worker = createOutboxWorker({
			db,
			clock: system.clock,
			phi,
			logger: captureLogger().logger,
			transports: [
				twilioSmsTransport(SETTINGS, twilio, 'https://clinic.example.org/telephony/sms/status'),
				twilioVoiceTransport(SETTINGS, twilio, 'https://clinic.example.org/telephony/voice/status'),
				devSinkTransport('email', db, system.clock, phi)
			],
			batchSize: 10,
			pollMs: 50,
			onSettled: (message) => recordDeliveryOutcome(db, system.clock, message)
		});
		await worker.drain();
		const sent = () =>
			db
				.selectFrom('appointment_messages')
				.select(['channel', 'status', 'provider_id', 'provider_status', 'provider_error'])
				.where('kind', '=', 'booked')
				.orderBy('channel')
				.execute();
		return { db, clock: system.clock, sent };
	}

	test('a text handed to Twilio is sent and remembers its MessageSid; the email is sent too', async () => {
		const t = await bookAndSend('Rosa');
		const [email, sms] = await t.sent();
		expect(sms).toMatchObject({ channel: 'sms', status: 'sent', provider_id: `SM${'1'.padStart(32, '0')}` });
		expect(email).toMatchObject({ channel: 'email', status: 'sent' });
		expect(email!.provider_id).toMatch(/^dev-/);
	});

	test('“delivered” moves a text forward; a late “sent” or “undelivered” afterwards changes nothing', async () => {
		const t = await bookAndSend('Rosa');
		const sid = (await t.sent()).find((m) => m.channel === 'sms')!.provider_id!;
		const report = (status: string, errorCode?: string) =>
			recordProviderStatus(t.db, t.clock, { channel: 'sms', providerId: sid, status, errorCode });

		expect(await report('sending')).toBe('unchanged');
		expect(await report('delivered')).toBe('updated');
		expect(await report('sent')).toBe('unchanged');
		expect(await report('undelivered', '30003')).toBe('unchanged');
		expect((await t.sent()).find((m) => m.channel === 'sms')).toMatchObject({
			status: 'delivered',
			provider_status: 'delivered',
			provider_error: null
		});
	});

	test('an undelivered text is failed with Twilio’s error code', async () => {
		const t = await bookAndSend('Rosa');
		const sid = (await t.sent()).find((m) => m.channel === 'sms')!.provider_id!;
		expect(
			await recordProviderStatus(t.db, t.clock, {
				channel: 'sms',
				providerId: sid,
				status: 'undelivered',
				errorCode: '30003'
			})
		).toBe('updated');
		expect((await t.sent()).find((m) => m.channel === 'sms')).toMatchObject({
			status: 'failed',
			provider_status: 'undelivered',
			provider_error: '30003'
		});
	});

	test('a callback for an id we never sent, or with a status Twilio does not document, writes nothing', async () => {
		const t = await bookAndSend('Rosa');
		const before = await t.db.selectFrom('appointment_messages').selectAll().orderBy('id').execute();
		expect(
			await recordProviderStatus(t.db, t.clock, {
				channel: 'sms',
				providerId: 'SMnotours',
				status: 'delivered'
			})
		).toBe('unmatched');
		const sid = before.find((m) => m.channel === 'sms' && m.kind === 'booked')!.provider_id!;
		expect(
			await recordProviderStatus(t.db, t.clock, { channel: 'sms', providerId: sid, status: 'exploded' })
		).toBe('unknown');
		// A MessageSid is not a CallSid: the same id reported as a call matches nothing.
		expect(
			await recordProviderStatus(t.db, t.clock, { channel: 'voice', providerId: sid, status: 'completed' })
		).toBe('unmatched');
		expect(await t.db.selectFrom('appointment_messages').selectAll().orderBy('id').execute()).toEqual(before);
	});

	test('a landline reminder call that nobody answered is failed; one answered is delivered', async () => {
		const t = await bookAndSend('Dorothy');
		const call = (await t.sent())[0]!;
		expect(call).toMatchObject({ channel: 'voice', status: 'sent' });
		expect(call.provider_id).toMatch(/^CA/);
		expect(
			await recordProviderStatus(t.db, t.clock, {
				channel: 'voice',
				providerId: call.provider_id!,
				status: 'no-answer'
			})
		).toBe('updated');
		expect((await t.sent())[0]).toMatchObject({
			status: 'failed',
			provider_status: 'no-answer',
			provider_error: 'no-answer'
		});
	});

	test('a text Twilio refuses for good is failed without a provider id', async () => {
		const t = await bookAndSend('Rosa', twilioAnswering({ status: 400, code: 21211 }));
		const sms = (await t.sent()).find((m) => m.channel === 'sms');
		expect(sms).toMatchObject({ status: 'failed', provider_id: null, provider_error: 'undeliverable' });
		const outbox = await t.db
			.selectFrom('outbox')
			.select(['channel', 'status'])
			.where('channel', '=', 'sms')
			.execute();
		expect(outbox).toEqual([{ channel: 'sms', status: 'dead' }]);
	});
});
