import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessibleWithoutScripts, freshCode, signInPatient } from './helpers';

test.describe('an Arabic-speaking patient checks in and signs consent, with JavaScript off', () => {
	test.use({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'ar' });

	test('the licence gate runs on where she is; then she signs the Arabic consent, which staff can fetch with its version and hash', async ({
		page,
		browser
	}) => {
		// The clinic opens check-in a week ahead, so the test has a visit to check in for at any hour.
		const admin = 'admin@demo.anyvisit.test';
		const staff = await browser.newContext();
		await staff.request.post('/api/v1/auth/login', {
			data: { email: admin, password: DEMO_PASSWORD, otp: await freshCode(admin) }
		});
		const settings = await staff.request.patch('/api/v1/organization', {
			data: { checkInOpensMinutes: 10_080 }
		});
		expect(settings.status()).toBe(200);
		const { items: slots } = await (
			await staff.request.get(
				`/api/v1/slots?patientState=IL&from=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() + 6 * 86_400_000).toISOString().slice(0, 10)}&modality=video`
			)
		).json();
		const { items: patients } = await (await staff.request.get('/api/v1/patients?query=Layla')).json();
		const booked = await staff.request.post('/api/v1/appointments', {
			data: { slotId: slots.at(-1).id, patientId: patients[0].id, modality: 'video', patientState: 'IL' },
			headers: { 'idempotency-key': `previsit-e2e-${Date.now()}` }
		});
		expect(booked.status()).toBe(201);
		const { id } = await booked.json();

		await signInPatient(page, '312 555 0102', '+13125550102');
		// Every pre-visit page passes axe in English too.
		for (const path of ['check-in', 'consent', 'intake', 'intake/general-intake', 'readiness']) {
			await page.goto(`/visits/${id}/${path}?lang=en`);
			await expect(page.locator('html')).toHaveAttribute('lang', 'en');
			await expectAccessibleWithoutScripts(browser, page);
		}
		await page.goto(`/visits/${id}/check-in`);
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expectAccessibleWithoutScripts(browser, page);
		// From Alaska, where her clinician holds no licence: told why, and the clinic is told.
		await page.locator('#locationState').selectOption('AK');
		await page.locator('#setting-home').check();
		await page.locator('form.stacked-form button[type=submit]').click();
		await expect(page.getByRole('alert')).toBeVisible();
		await expectAccessibleWithoutScripts(browser, page);
		const schedule = await staff.newPage();
		const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(
			new Date(slots.at(-1).start)
		);
		await schedule.goto(`/staff/schedule?date=${day}&lang=en`);
		await expect(schedule.getByRole('row', { name: /Layla Hassan/ }).last()).toContainText(
			'reassign the visit'
		);

		// From Illinois: on to consent.
		await page.locator('#locationState').selectOption('IL');
		await page.locator('form.stacked-form button[type=submit]').click();
		await expect(page).toHaveURL(new RegExp(`/visits/${id}/consent$`));
		// A consent she gave earlier (another test may have) is withdrawn first: withdrawing works too.
		if (await page.locator('form[action="?/revoke"]').count()) {
			await page.locator('form[action="?/revoke"] button[type=submit]').click();
			await expect(page.locator('.success')).toBeVisible();
		}
		await expect(page.locator('section[lang="ar"] h2')).toBeVisible();
		await expectAccessibleWithoutScripts(browser, page);
		await page.locator('#signerName').fill('ليلى حسن');
		await page.locator('#agree').check();
		await page.locator('#recording-no').check();
		await page.locator('form[action="?/sign"] button[type=submit]').click();
		await expect(page.locator('.success')).toBeVisible();
		await expectAccessibleWithoutScripts(browser, page);

		const standing = await (await staff.request.get(`/api/v1/appointments/${id}/consents`)).json();
		expect(standing.telehealth).toMatchObject({ status: 'current', templateVersion: 1 });
		const consent = await (
			await staff.request.get(`/api/v1/consents/${standing.telehealth.consentId}`)
		).json();
		expect(consent).toMatchObject({
			kind: 'telehealth',
			method: 'electronic',
			signerName: 'ليلى حسن',
			templateVersion: 1,
			template: { language: 'ar', version: 1 }
		});
		expect(consent.contentHash).toMatch(/^[0-9a-f]{64}$/);
		expect(consent.userAgent).toContain('Chrome');
		await staff.close();
	});
});
