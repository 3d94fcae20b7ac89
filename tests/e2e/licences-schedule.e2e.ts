import { expect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, freshCode } from './helpers';

async function signInAsAdmin(page: Page) {
	const email = 'admin@demo.anyvisit.test';
	const login = await page.request.post('/api/v1/auth/login', {
		data: { email, password: DEMO_PASSWORD, otp: await freshCode(email) }
	});
	expect(login.status()).toBe(200);
}

const HEADER = 'clinician_email,state,credential,number,status,pathway,issued_on,expires_on';

test('an admin sees expiring licences, gets a CSV with bad lines reported line by line, then imports a good one', async ({
	page
}) => {
	await signInAsAdmin(page);
	for (const lang of ['en', 'ar']) {
		await page.goto(`/staff/licences?lang=${lang}`);
		await expect(page.locator('html')).toHaveAttribute('lang', lang);
		await expectAccessible(page);
	}
	await page.goto('/staff/licences?lang=en');
	// The demo's Minnesota licence expires 45 days after seeding.
	const expiring = page.getByRole('region', { name: 'Licences expiring soon' });
	await expect(expiring).toContainText('Dr. Maya Okafor');
	await expect(expiring).toContainText('MN');

	const bad = [
		HEADER,
		'samira.haddad@demo.anyvisit.test,IA,NP,IA-1,active,state,2024-01-01,2029-01-01',
		'nobody@example.org,IA,NP,IA-2,active,state,2024-01-01,2029-01-01',
		'samira.haddad@demo.anyvisit.test,KS,NP,KS-3,active,state,2024-01-01,2023-01-01'
	].join('\n');
	await page
		.locator('#licence-file')
		.setInputFiles({ name: 'licences.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
	await page.getByRole('button', { name: 'Import' }).click();
	const report = page.getByRole('table', { name: 'Problems found, by line of the file' });
	await expect(report).toBeVisible();
	await expect(report.locator('tbody tr')).toHaveCount(2);
	await expect(report.locator('tbody tr').nth(0)).toContainText('3');
	await expect(report.locator('tbody tr').nth(0)).toContainText('clinician_email');
	await expect(report.locator('tbody tr').nth(1)).toContainText(
		'The expiry date must be after the issue date.'
	);
	await expectAccessible(page);
	await expect(page.getByRole('row', { name: /Samira Haddad.*IA/ })).toHaveCount(0);

	const good = `${HEADER}\nsamira.haddad@demo.anyvisit.test,IA,NP,IA-1,active,state,2024-01-01,2029-01-01\n`;
	await page
		.locator('#licence-file')
		.setInputFiles({ name: 'licences.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByRole('status')).toContainText('Import complete: 1 licences added, 0 updated.');
	await expect(page.getByRole('row', { name: /Samira Haddad/ }).filter({ hasText: 'IA-1' })).toHaveCount(1);

	// The same import through the API: text/csv in, the per-row report as a localized 422 out.
	const refused = await page.request.post('/api/v1/licences/import?lang=es', {
		headers: { 'content-type': 'text/csv' },
		data: bad
	});
	expect(refused.status()).toBe(422);
	const problem = await refused.json();
	expect(problem.code).toBe('VALIDATION');
	expect(problem.error.fields.map((f: { field: string }) => f.field)).toEqual([
		'rows[3].clinician_email',
		'rows[4].expires_on'
	]);
	expect(problem.error.fields[1].message).not.toBe('The expiry date must be after the issue date.');
	const wrongType = await page.request.post('/api/v1/licences/import', { data: { csv: bad } });
	expect(wrongType.status()).toBe(415);
	const renewed = await page.request.post('/api/v1/licences/import', {
		headers: { 'content-type': 'text/csv; charset=utf-8' },
		data: good.replace('2029-01-01', '2031-01-01')
	});
	expect(await renewed.json()).toEqual({ created: 0, updated: 1 });
});

test('the schedule shows a booked visit with its modality, the patient’s language, interpreter and licence state', async ({
	page
}) => {
	await signInAsAdmin(page);
	const { items: clinicians } = await (await page.request.get('/api/v1/clinicians')).json();
	const haddad = clinicians.find((c: { name: string }) => c.name.includes('Haddad'));
	const { items: patients } = await (await page.request.get('/api/v1/patients?query=Layla')).json();
	const from = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
	const to = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
	const { items: slots } = await (
		await page.request.get(`/api/v1/slots?patientState=IL&from=${from}&to=${to}&modality=video`)
	).json();
	const slot = slots.find((s: { clinicianId: string }) => s.clinicianId === haddad.id);
	const booked = await page.request.post('/api/v1/appointments', {
		data: { slotId: slot.id, patientId: patients[0].id, modality: 'video', patientState: 'IL' },
		headers: { 'idempotency-key': `schedule-e2e-${Date.now()}` }
	});
	expect(booked.status()).toBe(201);
	const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(new Date(slot.start));

	for (const lang of ['en', 'ar']) {
		await page.goto(`/staff/schedule?view=week&date=${day}&clinician=${haddad.id}&lang=${lang}`);
		await expect(page.locator('html')).toHaveAttribute('lang', lang);
		await expectAccessible(page);
	}
	await page.goto(`/staff/schedule?view=day&date=${day}&lang=en`);
	const row = page.getByRole('row', { name: /Layla Hassan/ });
	await expect(row).toContainText('Video');
	await expect(row).toContainText('Arabic');
	await expect(row).toContainText('Arabic interpreter');
	await expect(row).toContainText('Illinois');
	await expect(row).toContainText('Licensed in this state');
	await expect(page.getByRole('link', { name: 'Next day' })).toBeVisible();

	const badDay = await page.goto('/staff/schedule?date=2026-02-30&lang=en');
	expect(badDay?.status()).toBe(422);

	// The booking also went to the EHR's interface engine as an SIU^S12: the development page shows it.
	const { id: bookedId } = await booked.json();
	await expect
		.poll(
			async () => {
				await page.goto('/dev/hl7?lang=en');
				return page.getByRole('row').filter({ hasText: bookedId }).count();
			},
			{ timeout: 30_000 }
		)
		.toBe(1);
	await expect(page.getByRole('row').filter({ hasText: bookedId })).toContainText('SIU^S12^SIU_S12');
	await expectAccessible(page);
	await page.goto('/dev/hl7?lang=ar');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expectAccessible(page);
});

test('a scheduler adds time off for a clinician from the hours page; the page passes axe in English and Arabic', async ({
	page
}) => {
	const email = 'scheduler@demo.anyvisit.test';
	const login = await page.request.post('/api/v1/auth/login', {
		data: { email, password: DEMO_PASSWORD, otp: await freshCode(email) }
	});
	expect(login.status()).toBe(200);
	const { items: clinicians } = await (await page.request.get('/api/v1/clinicians')).json();
	const okafor = clinicians.find((c: { name: string }) => c.name.includes('Okafor'));
	for (const lang of ['en', 'ar']) {
		await page.goto(`/staff/hours?clinician=${okafor.id}&lang=${lang}`);
		await expect(page.locator('html')).toHaveAttribute('lang', lang);
		await expectAccessible(page);
	}
	await page.goto(`/staff/hours?clinician=${okafor.id}&lang=en`);
	const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
	await page.getByLabel('What').selectOption('unavailable');
	await page.locator('#exception-date').fill(day);
	await page.getByLabel('Note for the team (optional; no patient information)').fill('Conference');
	await page.getByRole('button', { name: 'Add time off or extra hours' }).click();
	await expect(page.getByRole('status')).toContainText('Saved.');
	await expect(page.getByRole('listitem').filter({ hasText: 'Conference' })).toContainText('Time off');

	const hours = await (await page.request.get(`/api/v1/clinicians/${okafor.id}/hours`)).json();
	expect(hours.exceptions.some((e: { reason: string }) => e.reason === 'Conference')).toBe(true);
	const { items: slots } = await (
		await page.request.get(`/api/v1/slots?patientState=CO&from=${day}&to=${day}`)
	).json();
	expect(slots.filter((s: { clinicianId: string }) => s.clinicianId === okafor.id)).toEqual([]);

	const refused = await page.request.post(`/api/v1/clinicians/${okafor.id}/exceptions`, {
		data: { kind: 'unavailable', date: day, start: '17:00', end: '09:00' }
	});
	expect(refused.status()).toBe(422);
	expect((await refused.json()).error.fields[0].field).toBe('end');
});
