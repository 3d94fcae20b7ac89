import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { authenticate } from '../../src/lib/server/identity/authenticate';
import {
	parseContact,
	requestPatientCode,
	verifyPatientCode
} from '../../src/lib/server/identity/patient-sign-in';
import { openPayload } from '../../src/lib/server/platform/outbox/repository';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { testContext, testPhiCipher } from '../helpers/context';

describe('reading what a patient typed', () => {
	test.each([
		['(512) 555-0101', { kind: 'phone', value: '+15125550101' }],
		['512.555.0101', { kind: 'phone', value: '+15125550101' }],
		['+1 512 555 0101', { kind: 'phone', value: '+15125550101' }],
		[' Marcus.Johnson@Example.org ', { kind: 'email', value: 'marcus.johnson@example.org' }],
		['hello', null],
		['555-01', null],
		['a@b', null]
	])('%j', (input, expected) => {
		expect(parseContact(input)).toEqual(expected);
	});
});

describe.each(DATABASE_KINDS)('patient sign-in with a one-time code on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-29T12:00:00Z'));
		return { db, ...testContext(db, { phi, actor: { kind: 'anonymous' } }), client: { ip: '198.51.100.30' } };
	}

	/** The message the code went out in, opened as the transport would see it. */
	async function sentMessage(db: ReturnType<typeof database>['db']) {
		const rows = await db.selectFrom('outbox').selectAll().execute();
		expect(rows).toHaveLength(1);
		return { channel: rows[0]!.channel, payload: await openPayload(db, phi, rows[0]!) };
	}
	const codeIn = (text: unknown) => /(\d ?){6}/.exec(String(text))![0].replace(/ /g, '');

	test('a code by SMS in the patient’s language signs them in, once', async () => {
		const { db, ctx, clock, client } = await setup();
		const { challengeId } = await requestPatientCode(ctx, { contact: '(512) 555-0101' }, client);
		const { channel, payload } = await sentMessage(db);
		expect(channel).toBe('sms');
		expect(payload).toMatchObject({ to: '+15125550101', language: 'es' });
		expect(String(payload.body)).toContain('AnyVisit');
		expect(String(payload.body).length).toBeLessThanOrEqual(160);
		const code = codeIn(payload.body);

		const { token, patientId } = await verifyPatientCode(ctx, { challengeId, code });
		const auth = await authenticate(db, phi, token, clock.now());
		expect(auth).toMatchObject({
			kind: 'patient',
			patient: { id: patientId, givenName: 'Rosa', preferredLanguage: 'es' }
		});
		await expect(verifyPatientCode(ctx, { challengeId, code })).rejects.toMatchObject({
			code: 'OTP_INVALID'
		});
		// Only a hash of the code is stored.
		expect(JSON.stringify(await db.selectFrom('sign_in_challenges').selectAll().execute())).not.toContain(
			code
		);
	});

	test('a landline gets the code read out by a voice call; an email address gets an email', async () => {
		const { db, ctx, client } = await setup();
		await requestPatientCode(ctx, { contact: '608-555-0104' }, client);
		const voice = await sentMessage(db);
		expect(voice.channel).toBe('voice');
		expect(String(voice.payload.say)).toMatch(/\d \d \d \d \d \d/);
		await db.deleteFrom('outbox').execute();
		await requestPatientCode(ctx, { contact: 'MARCUS.johnson@example.org' }, client);
		const email = await sentMessage(db);
		expect(email).toMatchObject({
			channel: 'email',
			payload: { to: 'marcus.johnson@example.org', language: 'en' }
		});
	});

	test('an unknown number gets the same answer and nothing is sent', async () => {
		const { db, ctx, client } = await setup();
		const { challengeId } = await requestPatientCode(ctx, { contact: '+1 512 555 0199' }, client);
		expect(challengeId).toMatch(/^[0-9a-f-]{36}$/);
		expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
		await expect(verifyPatientCode(ctx, { challengeId, code: '123456' })).rejects.toMatchObject({
			code: 'OTP_INVALID'
		});
	});

	test('a code expires after 10 minutes', async () => {
		const { db, ctx, clock, client } = await setup();
		const { challengeId } = await requestPatientCode(ctx, { contact: '(512) 555-0101' }, client);
		const code = codeIn((await sentMessage(db)).payload.body);
		clock.advance(10 * 60_000);
		await expect(verifyPatientCode(ctx, { challengeId, code })).rejects.toMatchObject({
			code: 'OTP_INVALID'
		});
		expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
	});

	test('after five wrong codes even the right one is refused', async () => {
		const { db, ctx, client } = await setup();
		const { challengeId } = await requestPatientCode(ctx, { contact: '(512) 555-0101' }, client);
		const code = codeIn((await sentMessage(db)).payload.body);
		const wrong = code === '000000' ? '111111' : '000000';
		for (let i = 0; i < 5; i++) {
			await expect(verifyPatientCode(ctx, { challengeId, code: wrong })).rejects.toMatchObject({
				code: 'OTP_INVALID'
			});
		}
		await expect(verifyPatientCode(ctx, { challengeId, code })).rejects.toMatchObject({
			code: 'OTP_INVALID'
		});
		const failures = await db.selectFrom('audit_log').selectAll().where('action', '=', 'sign_in').execute();
		expect(failures).toHaveLength(6);
	});

	test('requests are rate limited per phone or email', async () => {
		const { ctx, client } = await setup();
		for (let i = 0; i < 5; i++)
			await requestPatientCode(ctx, { contact: '(512) 555-0101' }, { ip: `203.0.113.${i}` });
		await expect(requestPatientCode(ctx, { contact: '512 555 0101' }, client)).rejects.toMatchObject({
			code: 'RATE_LIMITED'
		});
	});

	test('something that is neither a phone number nor an email is a validation error', async () => {
		const { db, ctx, client } = await setup();
		await expect(requestPatientCode(ctx, { contact: 'my name' }, client)).rejects.toMatchObject({
			code: 'VALIDATION'
		});
		expect(await db.selectFrom('sign_in_challenges').selectAll().execute()).toEqual([]);
	});
});
