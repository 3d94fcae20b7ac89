import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, freshCode } from './helpers';

test('a scheduler checks each demo patient’s insurance against the sandbox clearinghouse and sees each answer', async ({
	page
}) => {
	const email = 'scheduler@demo.anyvisit.test';
	const login = await page.request.post('/api/v1/auth/login', {
		data: { email, password: DEMO_PASSWORD, otp: await freshCode(email) }
	});
	expect(login.status()).toBe(200);
	const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
	const expected: [string, string, string, string][] = [
		['Rosa', 'TX', 'Active', 'Covered'],
		['Layla', 'IL', 'Active', 'Not covered'],
		['Marcus', 'CO', 'Inactive on the date of service', 'Not stated'],
		['Dorothy', 'WI', 'The payer does not know this member', 'Not stated'],
		['Tuan', 'MN', 'The payer’s answer could not be read: check again', 'Not stated']
	];
	for (const [given, state, outcome, telehealth] of expected) {
		const { items: patients } = await (await page.request.get(`/api/v1/patients?query=${given}`)).json();
		const { items: slots } = await (
			await page.request.get(
				`/api/v1/slots?patientState=${state}&from=${day(8)}&to=${day(21)}&modality=video`
			)
		).json();
		const booked = await page.request.post('/api/v1/appointments', {
			data: { slotId: slots.at(-1).id, patientId: patients[0].id, modality: 'video', patientState: state },
			headers: { 'idempotency-key': `eligibility-e2e-${given}-${Date.now()}` }
		});
		expect(booked.status()).toBe(201);
		const { id } = await booked.json();
		await page.goto(`/staff/visits/${id}/eligibility?lang=en`);
		await expect(page.locator('#memberId')).not.toHaveValue('');
		await page.locator('form[action="?/check"] button[type=submit]').click();
		const row = page
			.getByRole('row')
			.filter({ has: page.getByRole('rowheader') })
			.first();
		await expect(row).toContainText(outcome);
		await expect(row).toContainText(telehealth);
		if (given === 'Rosa') {
			await expect(row).toContainText('$20.00');
			await expectAccessible(page);
			await page.goto(`/staff/visits/${id}/eligibility?lang=ar`);
			await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
			await expectAccessible(page);
		}
	}
});
