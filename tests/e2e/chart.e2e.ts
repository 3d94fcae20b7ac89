import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, freshCode } from './helpers';

test('a clinician sees each demo patient’s chart from the EHR, with trends drawn and abnormal labs flagged', async ({
	page
}) => {
	const email = 'maya.okafor@demo.anyvisit.test';
	const login = await page.request.post('/api/v1/auth/login', {
		data: { email, password: DEMO_PASSWORD, otp: await freshCode(email) }
	});
	expect(login.status()).toBe(200);
	const { items: patients } = await (await page.request.get('/api/v1/patients?query=')).json();
	const byName = (given: string) => patients.find((p: { givenName: string }) => p.givenName === given);

	const rosa = byName('Rosa');
	for (const lang of ['en', 'ar']) {
		await page.goto(`/staff/patients/${rosa.id}/chart?lang=${lang}`);
		await expect(page.locator('html')).toHaveAttribute('lang', lang);
		await expectAccessible(page);
	}
	await page.goto(`/staff/patients/${rosa.id}/chart?lang=en`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chart: Rosa Hernández');
	await expect(page.getByRole('region', { name: 'Allergies' })).toContainText('Allergy to penicillin');
	await expect(page.getByRole('row', { name: /Hemoglobin A1c/ })).toContainText('High');
	await expect(page.getByRole('img', { name: /Blood pressure/ })).toBeVisible();
	await expect(page.getByRole('img', { name: /Blood glucose/ })).toBeVisible();
	await expect(page.getByText('Follow-up for diabetes', { exact: false })).toBeVisible();

	const expected: Record<string, string> = {
		Layla: 'Asthma',
		Marcus: 'Allergy to sulfonamide',
		Dorothy: 'Congestive heart failure',
		Tuan: 'atorvastatin 20 MG Oral Tablet'
	};
	for (const [given, text] of Object.entries(expected)) {
		await page.goto(`/staff/patients/${byName(given).id}/chart?lang=en`);
		await expect(page.getByRole('heading', { level: 1 })).toContainText(given);
		await expect(page.getByText(text).first()).toBeVisible();
		await expect(page.getByRole('img', { name: /Weight/ })).toBeVisible();
	}

	// A scheduler may book visits but not read the clinical chart.
	const scheduler = 'scheduler@demo.anyvisit.test';
	await page.request.post('/api/v1/auth/logout');
	await page.request.post('/api/v1/auth/login', {
		data: { email: scheduler, password: DEMO_PASSWORD, otp: await freshCode(scheduler) }
	});
	const refused = await page.goto(`/staff/patients/${rosa.id}/chart?lang=en`);
	expect(refused?.status()).toBe(403);
});
