import type { Appointment } from '@medplum/fhirtypes';
import { expect, test, type Page } from '@playwright/test';
import { E2E_EHR_PORT, E2E_PORT } from '../../playwright.config';
import { createFhirClient } from '../../src/lib/server/integrations/fhir/client';
import { loadClientKey } from '../../src/lib/server/integrations/fhir/client-key';
import { SANDBOX_CLIENT_ID } from '../../src/lib/server/platform/config';
import { DEMO_PASSWORD, expectAccessible, freshCode } from './helpers';

const EHR_BASE = `http://localhost:${E2E_EHR_PORT}/fhir/R4`;

async function signInAsScheduler(page: Page) {
	const email = 'scheduler@demo.anyvisit.test';
	const login = await page.request.post('/api/v1/auth/login', {
		data: { email, password: DEMO_PASSWORD, otp: await freshCode(email) }
	});
	expect(login.status()).toBe(200);
}

async function patientId(page: Page, given: string): Promise<string> {
	const { items } = await (await page.request.get(`/api/v1/patients?query=${given}`)).json();
	return items[0].id;
}

test('a scheduler finds a patient in the EHR and links them; a record linked to someone else cannot be taken', async ({
	page
}) => {
	await signInAsScheduler(page);
	const marcus = await patientId(page, 'Marcus');
	for (const lang of ['en', 'ar']) {
		await page.goto(`/staff/patients/${marcus}/ehr?lang=${lang}`);
		await expect(page.locator('html')).toHaveAttribute('lang', lang);
		await expectAccessible(page);
	}
	await page.goto(`/staff/patients/${marcus}/ehr?lang=en`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('EHR record of Marcus Johnson');
	// The form starts with his name and birth date; searching is a POST (no PHI in the URL).
	await page.getByRole('button', { name: 'Search the EHR' }).click();
	await expect(page).not.toHaveURL(/Johnson/);
	const row = page.getByRole('row', { name: /Marcus/ });
	await expect(row).toContainText('RB100003');
	await expectAccessible(page);
	const link = row.getByRole('button', { name: /Link this record/ });
	if (await link.count()) await link.click();
	await expect(page.getByRole('region', { name: 'Linked record' })).toContainText('MRN RB100003');

	const tuan = await patientId(page, 'Tuan');
	await page.goto(`/staff/patients/${tuan}/ehr?lang=en`);
	await page.getByLabel('Family name').fill('');
	await page.getByLabel('Given name').fill('');
	await page.getByLabel('Date of birth').fill('');
	await page.getByLabel('MRN').fill('RB100003');
	await page.getByRole('button', { name: 'Search the EHR' }).click();
	await expect(page.getByRole('row', { name: /Marcus/ })).toContainText('Linked to another patient');
	await expect(page.getByRole('button', { name: /Link this record/ })).toHaveCount(0);

	// An empty search names what is missing, in the person's language.
	await page.getByLabel('MRN').fill('');
	await page.getByRole('button', { name: 'Search the EHR' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expectAccessible(page);
});

test('a visit moved in the EHR comes back as a conflict; keeping AnyVisit’s time writes it over the EHR', async ({
	page
}) => {
	await signInAsScheduler(page);
	const dorothy = await patientId(page, 'Dorothy');
	const from = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
	const to = new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10);
	const { items: slots } = await (
		await page.request.get(`/api/v1/slots?patientState=WI&from=${from}&to=${to}&modality=video`)
	).json();
	const [first] = slots;
	const other = slots.find(
		(s: { clinicianId: string; start: string }) =>
			s.clinicianId === first.clinicianId && s.start.slice(0, 10) !== first.start.slice(0, 10)
	);
	const booked = await page.request.post('/api/v1/appointments', {
		data: { slotId: first.id, patientId: dorothy, modality: 'video', patientState: 'WI' },
		headers: { 'idempotency-key': `ehr-conflict-${Date.now()}` }
	});
	expect(booked.status()).toBe(201);
	const { id } = await booked.json();

	// The clinic's front desk moves the visit in the EHR itself.
	const fhir = createFhirClient({
		baseUrl: EHR_BASE,
		clientId: SANDBOX_CLIENT_ID,
		key: await loadClientKey({ dataDir: '.tmp/e2e-data' })
	});
	const identifier = `http://localhost:${E2E_PORT}/identifiers/appointment|${id}`;
	const inEhr = async () => (await fhir.searchAll<Appointment>('Appointment', { identifier }))[0];
	await expect.poll(async () => (await inEhr())?.start, { timeout: 30_000 }).toBe(first.start);
	const ehr = (await inEhr())!;
	await fhir.update<Appointment>({ ...ehr, meta: undefined, start: other.start, end: other.end });

	await expect
		.poll(
			async () => {
				await page.goto('/staff/ehr?lang=en');
				return page.getByRole('row', { name: /Dorothy/ }).count();
			},
			{ timeout: 30_000 }
		)
		.toBe(1);
	await expectAccessible(page);
	await page.goto('/staff/ehr?lang=ar');
	await expectAccessible(page);
	await page.goto('/staff/ehr?lang=en');
	const row = page.getByRole('row', { name: /Dorothy/ });
	await expect(row.getByRole('button', { name: /Move the visit to the EHR’s time/ })).toBeVisible();
	await row.getByRole('button', { name: /Keep AnyVisit’s/ }).click();
	await expect(page.getByRole('status')).toContainText('Kept.');
	await expect(page.getByRole('row', { name: /Dorothy/ })).toHaveCount(0);
	await expect.poll(async () => (await inEhr())?.start, { timeout: 30_000 }).toBe(first.start);
});
