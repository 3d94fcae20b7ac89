import { expect, test } from '@playwright/test';
import { CHROMIUM } from '../../scripts/lib/chromium.js';
import es from '../../locales/es/previsit.json' with { type: 'json' };
import { DEMO_PASSWORD, expectAccessible, freshCode, signInPatient } from './helpers';

// Chromium's fake camera and microphone, allowed without a prompt.
test.use({
	launchOptions: {
		...CHROMIUM,
		args: [...CHROMIUM.args, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
	},
	permissions: ['camera', 'microphone']
});

test('the readiness check runs on Chromium’s fake camera and microphone and recommends a modality to accept in one tap', async ({
	page,
	browser
}) => {
	const staff = await browser.newContext();
	const scheduler = 'scheduler@demo.anyvisit.test';
	await staff.request.post('/api/v1/auth/login', {
		data: { email: scheduler, password: DEMO_PASSWORD, otp: await freshCode(scheduler) }
	});
	const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
	const { items: slots } = await (
		await staff.request.get(`/api/v1/slots?patientState=TX&from=${day(2)}&to=${day(9)}&modality=video`)
	).json();
	const { items: patients } = await (await staff.request.get('/api/v1/patients?query=Rosa')).json();
	const booked = await staff.request.post('/api/v1/appointments', {
		data: { slotId: slots.at(-1).id, patientId: patients[0].id, modality: 'video', patientState: 'TX' },
		headers: { 'idempotency-key': `readiness-e2e-${Date.now()}` }
	});
	expect(booked.status()).toBe(201);
	const { id } = await booked.json();
	await staff.close();

	await signInPatient(page, '512 555 0101', '+15125550101');
	// Rosa reads Spanish: the whole check is in her language.
	await page.goto(`/visits/${id}/readiness`);
	await expectAccessible(page);
	await page.getByRole('button', { name: es['readiness.run'] }).click();
	await expect(page.locator('#level')).toBeVisible();
	await expect(page.getByRole('button', { name: es['readiness.play'] })).toBeVisible({ timeout: 20_000 });
	await page.getByRole('button', { name: es['readiness.play'] }).click();
	await page.getByRole('button', { name: es['readiness.heard_yes'] }).click();
	await expect(page.getByText(es['readiness.camera.ok'])).toBeVisible();
	await expect(page.getByText(es['readiness.microphone.ok'])).toBeVisible();
	// On this machine's loopback the connection is fast: the fake devices and the line give video.
	await expect(page.getByText(es['readiness.recommend.video'])).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: es['readiness.accept'] }).click();
	await expect(page.getByRole('status')).toContainText(es['readiness.accepted.video']);
	await page.goto(`/visits/${id}/readiness?lang=ar`);
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expectAccessible(page);
	// No media SDK is loaded by the check.
	const scripts = await page.evaluate(() =>
		performance
			.getEntriesByType('resource')
			.map((e) => e.name)
			.join(' ')
	);
	expect(scripts).not.toMatch(/twilio|voice-sdk/i);
});
