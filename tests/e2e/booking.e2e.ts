import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import twilio from 'twilio';
import { DEVELOPMENT_TWILIO_AUTH_TOKEN } from '../../src/lib/server/platform/config';
import auth from '../../locales/en/auth.json' with { type: 'json' };
import errors from '../../locales/en/errors.json' with { type: 'json' };
import { DEMO_PASSWORD, expectAccessibleWithoutScripts, freshCode } from './helpers';
import { E2E_EHR_PORT, E2E_PORT } from '../../playwright.config';

type DevMessage = {
	to: string;
	channel: string;
	body: string;
	subject: string | null;
	language: string;
	providerId: string;
};

async function devMessages(request: APIRequestContext): Promise<DevMessage[]> {
	return (await (await request.get('/dev/outbox.json')).json()).messages;
}

/** A text from the patient's phone, signed as Twilio would sign it. */
async function textFromPatient(
	request: APIRequestContext,
	baseURL: string,
	from: string,
	body: string,
	sid: string
) {
	const url = `${baseURL}/telephony/sms/incoming`;
	const params = { MessageSid: sid, From: from, To: '+15125550000', Body: body };
	return request.post('/telephony/sms/incoming', {
		form: params,
		headers: {
			'x-twilio-signature': twilio.getExpectedTwilioSignature(DEVELOPMENT_TWILIO_AUTH_TOKEN, url, params)
		}
	});
}

/** Twilio's status callback for a text we sent, signed as Twilio would sign it. */
async function smsStatus(request: APIRequestContext, baseURL: string, messageSid: string, status: string) {
	const params = { MessageSid: messageSid, MessageStatus: status, AccountSid: 'ACe2e', To: '+15125550101' };
	return request.post('/telephony/sms/status', {
		form: params,
		headers: {
			'x-twilio-signature': twilio.getExpectedTwilioSignature(
				DEVELOPMENT_TWILIO_AUTH_TOKEN,
				`${baseURL}/telephony/sms/status`,
				params
			)
		}
	});
}

async function signInPatient(page: Page, contact: string, to: string) {
	await page.goto('/sign-in');
	await page.locator('#contact').fill(contact);
	await page.locator('form[action="?/request"] button[type=submit]').click();
	await expect(page).toHaveURL(/\/sign-in\/code\?c=/);
	let code = '';
	await expect
		.poll(async () => {
			const message = (await devMessages(page.request)).find((m) => m.to === to && /\d{6}/.test(m.body));
			code = message ? /\d{6}/.exec(message.body)![0] : '';
			return code;
		})
		.not.toBe('');
	await page.locator('#code').fill(code);
	await page.locator('form[action*="/verify"] button[type=submit]').click();
	await expect(page).toHaveURL(/\/$/);
}

test.describe('a Spanish-speaking patient books on a small phone with JavaScript off', () => {
	test.use({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'es-US' });

	test('books, gets the SMS and email in Spanish, replies C and sees the visit confirmed', async ({
		page,
		browser,
		baseURL,
		request
	}) => {
		// Booking, texts, a reply, and opening the visit from the text's link on another phone.
		test.setTimeout(120_000);
		await signInPatient(page, '512 555 0101', '+15125550101');
		await expect(page.locator('html')).toHaveAttribute('lang', 'es');
		await page.goto('/visits/book');
		await expect(page.locator('html')).toHaveAttribute('lang', 'es');
		await expectAccessibleWithoutScripts(browser, page);
		await page.locator('#visitType').selectOption('follow-up');
		await page.locator('#modality').selectOption('video');
		await expect(page.locator('#patientState')).toHaveValue('TX');
		await page.locator('#find-times button[type=submit]').click();
		await expect(page).toHaveURL(/visitType=follow-up/);
		// Dr. Reyes is licensed in Texas; Dr. Okafor (CO, WI, MN) and Samira Haddad (IL) are not.
		await expect(page.getByText('Dr. Daniel Reyes').first()).toBeVisible();
		await expect(page.getByText('Dr. Maya Okafor')).toHaveCount(0);
		await expectAccessibleWithoutScripts(browser, page);
		await page.locator('input[name="slotId"]').first().check();
		await page.locator('form[action="?/book"] button[type=submit]').click();
		await expect(page).toHaveURL(/\/visits\?booked=1$/);
		await expect(page.getByRole('status')).not.toBeEmpty();
		await expectAccessibleWithoutScripts(browser, page);

		let sms: DevMessage | undefined;
		let email: DevMessage | undefined;
		await expect
			.poll(async () => {
				// The development outbox is a clinic tool: read it outside the patient's session.
				const messages = await devMessages(request);
				sms = messages.find((m) => m.to === '+15125550101' && m.body.includes('/v/'));
				email = messages.find((m) => m.to === 'rosa.hernandez@example.org' && m.channel === 'email');
				return Boolean(sms && email);
			})
			.toBe(true);
		expect(sms!.language).toBe('es');
		expect([...sms!.body].length).toBeLessThanOrEqual(160);
		expect(email!.language).toBe('es');

		// The text's link opens the visit on another device once Rosa gives her date of birth (JavaScript off).
		const link = sms!.body.match(/https?:\/\/\S+\/v\/[A-Za-z0-9_-]{38}/)![0];
		const phone = await browser.newContext({ javaScriptEnabled: false, baseURL });
		const path = new URL(link).pathname;
		const other = await phone.newPage();
		await other.goto(`${path}?lang=en`);
		await expect(other.getByRole('heading', { name: auth['visit_link.title'] })).toBeVisible();
		await expectAccessibleWithoutScripts(browser, other);
		await other.getByLabel(auth['visit_link.month']).selectOption('4');
		await other.getByLabel(auth['visit_link.day']).fill('21');
		await other.getByLabel(auth['visit_link.year']).fill('1979');
		await other.getByRole('button', { name: auth['visit_link.continue'] }).click();
		await expect(other.getByRole('alert')).toContainText(errors.BIRTH_DATE_MISMATCH);
		await expect(other.getByLabel(auth['visit_link.year'])).toHaveValue('1979');
		await other.goto(`${path}?lang=ar`);
		await expect(other.locator('html')).toHaveAttribute('dir', 'rtl');
		await expectAccessibleWithoutScripts(browser, other);
		await other.goto(`${path}?lang=en`);
		await other.getByLabel(auth['visit_link.month']).selectOption('4');
		await other.getByLabel(auth['visit_link.day']).fill('12');
		await other.getByLabel(auth['visit_link.year']).fill('1979');
		await other.getByRole('button', { name: auth['visit_link.continue'] }).click();
		await expect(other).toHaveURL(/\/visits\/[0-9a-f-]{36}\/check-in/);
		// A link that is not one of ours opens nothing.
		const forged = await other.goto(`/v/${'A'.repeat(38)}`);
		expect(forged?.status()).toBe(410);
		await phone.close();

		const [visit] = (await (await page.request.get('/api/v1/appointments')).json()).items;
		expect(visit.status).toBe('booked');

		// The visit reaches the clinic's EHR (the sandbox EHR here) as a FHIR Appointment, found by
		// AnyVisit's identifier, whose system starts with the app's public base URL.
		const identifier = `http://localhost:${E2E_PORT}/identifiers/appointment|${visit.id}`;
		await expect
			.poll(
				async () => {
					const bundle = await (
						await request.get(
							`http://localhost:${E2E_EHR_PORT}/fhir/R4/Appointment?identifier=${encodeURIComponent(identifier)}`
						)
					).json();
					return bundle.entry?.map((e: { resource: { status: string; start: string } }) => [
						e.resource.status,
						e.resource.start
					]);
				},
				{ timeout: 30_000 }
			)
			.toEqual([['booked', visit.start]]);
		// And as an SIU^S12 in the sandbox's HL7 v2 (MLLP) log.
		await expect
			.poll(
				async () => {
					const { messages } = await (
						await request.get(`http://localhost:${E2E_EHR_PORT}/hl7/messages`)
					).json();
					return messages
						.filter((m: { text: string }) => m.text.includes(visit.id))
						.map((m: { type: string }) => m.type);
				},
				{ timeout: 30_000 }
			)
			.toEqual(['SIU^S12^SIU_S12']);
		const reply = await textFromPatient(
			page.request,
			baseURL!,
			'+15125550101',
			' c ',
			'SMe2e0000000000000000000000000001'
		);
		expect(reply.status()).toBe(200);
		expect(await reply.text()).toContain('<Message>');
		const after = await (await page.request.get(`/api/v1/appointments/${visit.id}`)).json();
		expect(after.status).toBe('confirmed');

		// Twilio reports the text delivered: the booking message's state follows.
		expect((await smsStatus(request, baseURL!, sms!.providerId, 'delivered')).status()).toBe(204);
		const { items: messages } = await (
			await page.request.get(`/api/v1/appointments/${visit.id}/messages`)
		).json();
		expect(
			messages.find((m: { channel: string; kind: string }) => m.channel === 'sms' && m.kind === 'booked')
		).toMatchObject({
			status: 'delivered',
			providerStatus: 'delivered'
		});
	});
});

test.describe('telephony webhooks', () => {
	test('an unsigned or wrongly signed text is refused and changes nothing', async ({ request, baseURL }) => {
		const unsigned = await request.post('/telephony/sms/incoming', {
			form: { MessageSid: 'SMe2e-unsigned', From: '+15125550101', Body: 'STOP' },
			headers: { 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' }
		});
		expect(unsigned.status()).toBe(403);
		const forgedStatus = await request.post('/telephony/sms/status', {
			form: { MessageSid: 'SMe2e-unsigned', MessageStatus: 'delivered' }
		});
		expect(forgedStatus.status()).toBe(403);
		const forgedCall = await request.post('/telephony/voice/status', {
			form: { CallSid: 'CAe2e-unsigned', CallStatus: 'completed' },
			headers: { 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' }
		});
		expect(forgedCall.status()).toBe(403);
		// HELP still answers, proving the number was not opted out by the forged STOP.
		const help = await textFromPatient(
			request,
			baseURL!,
			'+15125550101',
			'HELP',
			'SMe2e0000000000000000000000000002'
		);
		expect(await help.text()).toContain('Riverbend Community Health');
	});
});

test('a landline patient’s booking queues a call, never a text', async ({ request }) => {
	const scheduler = 'scheduler@demo.anyvisit.test';
	const login = await request.post('/api/v1/auth/login', {
		data: { email: scheduler, password: DEMO_PASSWORD, otp: await freshCode(scheduler) }
	});
	expect(login.status()).toBe(200);
	const { items: patients } = await (await request.get('/api/v1/patients?query=Dorothy')).json();
	const { items: types } = await (await request.get('/api/v1/visit-types')).json();
	const followUp = types.find((t: { code: string }) => t.code === 'follow-up');
	const today = new Date().toISOString().slice(0, 10);
	const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
	const { items: slots } = await (
		await request.get(
			`/api/v1/slots?patientState=WI&from=${today}&to=${inTwoWeeks}&visitType=${followUp.id}&modality=phone`
		)
	).json();
	expect(slots.length).toBeGreaterThan(0);
	const booked = await request.post('/api/v1/appointments', {
		data: {
			slotId: slots[0].id,
			patientId: patients[0].id,
			visitType: followUp.id,
			modality: 'phone',
			patientState: 'WI'
		},
		headers: { 'idempotency-key': `landline-${Date.now()}` }
	});
	expect(booked.status()).toBe(201);
	const { id } = await booked.json();
	const { items: messages } = await (await request.get(`/api/v1/appointments/${id}/messages`)).json();
	const now = messages.filter((m: { kind: string }) => m.kind === 'booked');
	expect(now.map((m: { channel: string }) => m.channel)).toEqual(['voice']);
	// Queued for the outbox now, or held for calling hours (8 a.m. to 9 p.m. where she lives).
	expect(['scheduled', 'queued', 'sent', 'delivered']).toContain(now[0].status);
	expect(messages.some((m: { channel: string }) => m.channel === 'sms')).toBe(false);
});

test.describe('an Arabic-speaking patient moves her visit to another time, with JavaScript off', () => {
	test.use({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'ar' });

	test('books, then changes the time from her visits page; every page is right to left and passes axe', async ({
		page,
		browser
	}) => {
		await signInPatient(page, '312 555 0102', '+13125550102');
		await page.goto('/visits/book?lang=ar');
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await page.locator('#visitType').selectOption('follow-up');
		await page.locator('#modality').selectOption('video');
		await page.locator('#patientState').selectOption('IL');
		await page.locator('#find-times button[type=submit]').click();
		await expectAccessibleWithoutScripts(browser, page);
		await page.locator('input[name="slotId"]').first().check();
		await page.locator('form[action="?/book"] button[type=submit]').click();
		await expect(page).toHaveURL(/\/visits\?booked=1$/);
		await expectAccessibleWithoutScripts(browser, page);
		const [before] = (await (await page.request.get('/api/v1/appointments')).json()).items;

		await page.locator(`a[href="/visits/book?reschedule=${before.id}"]`).click();
		await expect(page.locator('#visitType')).toHaveValue('follow-up');
		await expect(page.locator('#patientState')).toHaveValue('IL');
		await page.locator('#find-times button[type=submit]').click();
		await expect(page).toHaveURL(new RegExp(`reschedule=${before.id}`));
		await expectAccessibleWithoutScripts(browser, page);
		// The third time offered, so not the one she has now.
		await page.locator('input[name="slotId"]').nth(2).check();
		await page.locator('form[action="?/reschedule"] button[type=submit]').click();
		await expect(page).toHaveURL(/\/visits\?rescheduled=1$/);
		await expect(page.getByRole('status')).not.toBeEmpty();

		const { items } = await (await page.request.get('/api/v1/appointments')).json();
		expect(items).toHaveLength(1);
		expect(items[0].id).toBe(before.id);
		expect(items[0].start).not.toBe(before.start);

		// Another patient's visit cannot be moved through this page.
		const foreign = await page.goto('/visits/book?reschedule=00000000-0000-4000-8000-000000000000');
		expect(foreign?.status()).toBe(404);
	});
});
