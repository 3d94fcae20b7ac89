import { randomBytes } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import twilio from 'twilio';
import en from '../../locales/en/ivr.json' with { type: 'json' };
import staff from '../../locales/en/staff.json' with { type: 'json' };
import { DEVELOPMENT_TWILIO_AUTH_TOKEN } from '../../src/lib/server/platform/config';
import { expectAccessible, signInStaff } from './helpers';

/** A voice webhook as Twilio posts it: form fields, signed over the full URL it calls. */
function post(request: APIRequestContext, url: string, params: Record<string, string>, signature?: string) {
	return request.post(url, {
		form: params,
		headers: {
			'x-twilio-signature':
				signature ?? twilio.getExpectedTwilioSignature(DEVELOPMENT_TWILIO_AUTH_TOKEN, url, params)
		}
	});
}

test.describe('the phone line (public contract)', () => {
	test('an incoming call is answered with TwiML whose first instruction gathers the language, and each gather posts back to this host', async ({
		request,
		baseURL
	}) => {
		const call = {
			CallSid: `CA${randomBytes(16).toString('hex')}`,
			From: '+13125550199',
			To: '+15005550006'
		};
		const answer = await post(request, `${baseURL}/telephony/voice/incoming`, call);
		expect(answer.status()).toBe(200);
		expect(answer.headers()['content-type']).toContain('text/xml');
		const menu = await answer.text();
		const gather = /^<\?xml[^>]*><Response><Gather[^>]*action="([^"]+)"/.exec(menu);
		expect(gather).not.toBeNull();
		expect(new URL(gather![1]!).host).toBe(new URL(baseURL!).host);
		expect(menu).toContain(en['language.option'].replace('{{digit}}', '1'));
		// Walking on: English, then (an unknown number) the visit code is asked.
		const next = await post(request, gather![1]!, { ...call, Digits: '1' });
		expect(next.status()).toBe(200);
		expect(await next.text()).toContain(en['code.ask']);
	});

	test('a forged, missing or stale signature is refused with 403 and nothing is answered', async ({
		request,
		baseURL
	}) => {
		const call = {
			CallSid: `CA${randomBytes(16).toString('hex')}`,
			From: '+13125550199',
			To: '+15005550006'
		};
		const url = `${baseURL}/telephony/voice/incoming`;
		expect((await post(request, url, call, 'bm90IGEgc2lnbmF0dXJl')).status()).toBe(403);
		expect((await request.post(url, { form: call })).status()).toBe(403);
		const conference = `${baseURL}/telephony/voice/conference?visit=${crypto.randomUUID()}`;
		expect(
			(
				await post(request, conference, { ...call, StatusCallbackEvent: 'participant-join' }, 'Zm9yZ2Vk')
			).status()
		).toBe(403);
		// Signed for other parameters (a replay with different digits).
		const signedFor = twilio.getExpectedTwilioSignature(
			DEVELOPMENT_TWILIO_AUTH_TOKEN,
			`${baseURL}/telephony/voice/gather`,
			{
				...call,
				Digits: '1'
			}
		);
		expect(
			(await post(request, `${baseURL}/telephony/voice/gather`, { ...call, Digits: '2' }, signedFor)).status()
		).toBe(403);
	});
});

test('the phone simulator walks a landline patient through check-in to the visit’s hold line', async ({
	browser
}) => {
	const admin = 'admin@demo.anyvisit.test';
	const office = await browser.newContext();
	await signInStaff(office.request, admin);
	expect(
		(await office.request.patch('/api/v1/organization', { data: { checkInOpensMinutes: 10_080 } })).status()
	).toBe(200);
	const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
	const { items: slots } = await (
		await office.request.get(`/api/v1/slots?patientState=WI&from=${day(1)}&to=${day(6)}&modality=phone`)
	).json();
	const { items: patients } = await (await office.request.get('/api/v1/patients?query=Dorothy')).json();
	const booked = await office.request.post('/api/v1/appointments', {
		data: { slotId: slots[0].id, patientId: patients[0].id, modality: 'phone', patientState: 'WI' },
		headers: { 'idempotency-key': `phone-e2e-${Date.now()}` }
	});
	expect(booked.status()).toBe(201);

	const page = await office.newPage();
	await page.goto('/dev/phone?lang=en');
	await expectAccessible(page);
	await page.getByLabel(staff['phone.from']).fill('+16085550104');
	await page.getByRole('button', { name: staff['phone.call'] }).click();
	await expect(page.getByRole('log')).toContainText(en['language.option'].replace('{{digit}}', '1'));
	await expectAccessible(page);
	const press = async (keys: string, expected: string) => {
		await page.getByLabel(staff['phone.keys']).fill(keys);
		await page.getByRole('button', { name: staff['phone.send'] }).click();
		await expect(page.getByRole('log')).toContainText(expected);
	};
	// Dorothy's number is recognised; nothing about her is said before her birth date.
	await press('1', en['dob.ask']);
	await press('06051943', en['location.ask'].replace('{{state}}', 'Wisconsin'));
	await page.getByLabel(staff['phone.keys']).fill('1');
	await page.getByRole('button', { name: staff['phone.send'] }).click();
	await expect(page.getByRole('log')).not.toContainText(en['location.ask'].replace('{{state}}', 'Wisconsin'));
	// Consent is asked when none is current (another test may have given hers).
	if (await page.getByText(en['consent.ask']).count()) await press('1', en['hold.intro']);
	// She waits in the conference of her visit whose check-in is open: the one booked here, or an
	// earlier one of hers (the demo data has visits relative to today, so which depends on the hour).
	await expect(page.getByRole('status')).toContainText('visit-');
	const held = /visit-([0-9a-f-]{36})/.exec((await page.getByRole('status').textContent()) ?? '')![1]!;
	await expectAccessible(page);
	// The clinic sees her waiting, checked in from Wisconsin.
	const timeline = await (await office.request.get(`/api/v1/visits/${held}/timeline`)).json();
	expect(timeline.status).toBe('waiting');
	await office.close();
});
