import type { QuestionnaireResponse, Bundle } from '@medplum/fhirtypes';
import { expect, test, type Page } from '@playwright/test';
import { E2E_EHR_PORT, E2E_PORT } from '../../playwright.config';
import { DEMO_PASSWORD, expectAccessible, freshCode, signInPatient } from './helpers';

/** The intake answers kept in the browser's IndexedDB (Dexie's store) for any visit. */
function savedAnswers(page: Page): Promise<Record<string, string>> {
	return page.evaluate(
		() =>
			new Promise<Record<string, string>>((resolve) => {
				const open = indexedDB.open('anyvisit-intake');
				open.onsuccess = () => {
					const all = open.result.transaction('drafts').objectStore('drafts').getAll();
					all.onsuccess = () =>
						resolve(
							Object.assign(
								{},
								...(all.result as { answers: Record<string, string> }[]).map((d) => d.answers)
							)
						);
				};
				open.onerror = () => resolve({});
			})
	);
}

test('an Arabic-speaking patient checks in, signs consent, and fills PHQ-9 through a lost connection and a reload; it reaches the EHR once', async ({
	browser
}) => {
	const staff = await browser.newContext();
	const admin = 'admin@demo.anyvisit.test';
	await staff.request.post('/api/v1/auth/login', {
		data: { email: admin, password: DEMO_PASSWORD, otp: await freshCode(admin) }
	});
	await staff.request.patch('/api/v1/organization', { data: { checkInOpensMinutes: 10_080 } });
	const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
	const { items: types } = await (await staff.request.get('/api/v1/visit-types')).json();
	const behavioural = types.find((t: { code: string }) => t.code === 'behavioral-health');
	const { items: slots } = await (
		await staff.request.get(
			`/api/v1/slots?patientState=IL&from=${day(1)}&to=${day(6)}&modality=video&visitType=${behavioural.id}`
		)
	).json();
	const { items: patients } = await (await staff.request.get('/api/v1/patients?query=Layla')).json();
	const booked = await staff.request.post('/api/v1/appointments', {
		data: {
			slotId: slots[0].id,
			patientId: patients[0].id,
			modality: 'video',
			patientState: 'IL',
			visitType: behavioural.id
		},
		headers: { 'idempotency-key': `intake-e2e-${Date.now()}` }
	});
	expect(booked.status()).toBe(201);
	const { id } = await booked.json();

	const context = await browser.newContext({
		serviceWorkers: 'allow',
		locale: 'ar',
		viewport: { width: 360, height: 740 }
	});
	const page = await context.newPage();
	await signInPatient(page, '312 555 0102', '+13125550102');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});

	await page.goto(`/visits/${id}/check-in`);
	await page.locator('#locationState').selectOption('IL');
	await page.locator('#setting-home').check();
	await page.locator('form.stacked-form button[type=submit]').click();
	await expect(page).toHaveURL(new RegExp(`/visits/${id}/consent$`));
	await page.locator('#agree').check();
	await page.locator('#signerName').fill('ليلى حسن');
	await page.locator('form[action="?/sign"] button[type=submit]').click();
	await expect(page.locator('.success')).toBeVisible();

	await page.goto(`/visits/${id}/intake`);
	await expectAccessible(page);
	await page.goto(`/visits/${id}/intake/phq-9`);
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
	await expectAccessible(page);
	for (const n of [1, 2, 3, 4]) await page.locator(`#a-q${n}-1`).check();
	await expect(page.locator('#progress')).toContainText('4');

	// The signal drops midway; she keeps answering, then reloads the page.
	await context.setOffline(true);
	await page.locator('#a-q5-0').check();
	// Every answer is in IndexedDB before the reload (saved as she types).
	await expect.poll(() => savedAnswers(page)).toMatchObject({ q1: '1', q5: '0' });
	await page.reload();
	// Without a network the service worker served the form, and her answers came back from the device.
	expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
	await expect(page.locator('#a-q5-0')).toBeChecked();
	await expect(page.locator('#a-q1-1')).toBeChecked();
	for (const n of [6, 7, 8]) await page.locator(`#a-q${n}-0`).check();
	await page.locator('#a-q9-1').check();
	await page.locator('form.stacked-form button[type=submit]').click();
	await expect(page.getByRole('status')).toContainText(/./);
	await expect(page.locator('.notice').last()).toBeVisible();
	// What the service worker kept is the form alone: no name, no answers.
	const kept = await page.evaluate(async () => {
		const cache = await caches.open('intake-forms');
		const texts = await Promise.all((await cache.keys()).map(async (r) => (await cache.match(r))!.text()));
		return texts.join('\n');
	});
	expect(kept).toContain('PHQ-9');
	expect(kept).not.toContain('ليلى');
	expect(kept).not.toContain('Layla');

	// Back online: the queued answers go out once.
	await context.setOffline(false);
	await expect(page.locator('.success')).toBeVisible({ timeout: 20_000 });
	await page.reload();
	await expect(page.locator('.success')).toBeVisible();

	const questionnaire = encodeURIComponent(`http://localhost:${E2E_PORT}/questionnaires/phq-9`);
	await expect
		.poll(
			async () => {
				const bundle: Bundle<QuestionnaireResponse> = await (
					await page.request.get(
						`http://localhost:${E2E_EHR_PORT}/fhir/R4/QuestionnaireResponse?questionnaire=${questionnaire}`
					)
				).json();
				return bundle.entry?.map(
					(e) => e.resource?.item?.find((i) => i.linkId === 'total-score')?.answer?.[0]?.valueInteger
				);
			},
			{ timeout: 30_000 }
		)
		.toEqual([5]);
	await context.close();

	// Her clinician reads the answers, with the item 9 alert, in English and in Arabic.
	const haddad = 'samira.haddad@demo.anyvisit.test';
	const clinicianContext = await browser.newContext();
	const clinician = await clinicianContext.newPage();
	await clinician.request.post('/api/v1/auth/login', {
		data: { email: haddad, password: DEMO_PASSWORD, otp: await freshCode(haddad) }
	});
	for (const lang of ['en', 'ar']) {
		await clinician.goto(`/staff/visits/${id}/intake?lang=${lang}`);
		await expect(clinician.locator('html')).toHaveAttribute('lang', lang);
		await expectAccessible(clinician);
	}
	await clinician.goto(`/staff/visits/${id}/intake?lang=en`);
	await expect(clinician.getByRole('alert')).toContainText('Question 9');
	await expect(clinician.getByText('Score 5: mild')).toBeVisible();
	await clinicianContext.close();
	await staff.close();
});
