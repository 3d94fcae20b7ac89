import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, expectAccessibleWithoutScripts } from './helpers';

async function sendFailingTestMessage(page: Page, to: string) {
	await page.goto('/dev/outbox');
	await page.getByLabel('Channel').selectOption('sms');
	await page.getByLabel('To (phone number').fill(to);
	await page.getByLabel('Simulate a delivery failure').check();
	await page.getByRole('button', { name: 'Send test message' }).click();
	await expect(page.getByRole('status')).toContainText('The test message is queued.');
}

test.describe('clinic tools', () => {
	test('staff home, development outbox, failed deliveries and audit log pass axe in English and Arabic', async ({
		page
	}) => {
		for (const lang of ['en', 'ar']) {
			for (const path of ['/staff', '/dev/outbox', '/staff/outbox', '/staff/audit']) {
				await page.goto(`${path}?lang=${lang}`);
				await expect(page.locator('html')).toHaveAttribute('lang', lang);
				await expectAccessible(page);
			}
		}
	});

	test('a test message shows in the development outbox; a failed one can be sent again', async ({ page }) => {
		await page.goto('/dev/outbox?lang=en');
		await page.getByLabel('To (phone number').fill('+15125550123');
		await page.getByRole('button', { name: 'Send test message' }).click();
		await expect(page.getByRole('status')).toContainText('The test message is queued.');
		await expect
			.poll(async () => {
				await page.reload();
				return page.getByRole('cell', { name: '+15125550123' }).count();
			})
			.toBe(1);
		await expectAccessible(page);

		await sendFailingTestMessage(page, '+15125550124');
		await expect
			.poll(async () => {
				await page.goto('/staff/outbox');
				return page.getByRole('button', { name: 'Send again' }).count();
			})
			.toBeGreaterThan(0);
		await expectAccessible(page);

		const row = page.getByRole('row').filter({ hasText: 'Simulated failure' }).first();
		await row.getByLabel('Why send it again?').fill('<b>now</b>');
		await row.getByRole('button', { name: 'Send again' }).click();
		await expect(page.getByRole('alert')).toContainText('Do not use < or > in this field.');
		await expectAccessible(page);

		const again = page.getByRole('row').filter({ hasText: 'Simulated failure' }).first();
		await again.getByLabel('Why send it again?').fill('Checked the number');
		await again.getByRole('button', { name: 'Send again' }).click();
		await expect(page.getByRole('status')).toContainText('The message is queued to be sent again.');
	});
});

test.describe('clinic tools without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the forms work as plain HTML posts', async ({ page, browser }) => {
		await sendFailingTestMessage(page, '+15125550125');
		await expectAccessibleWithoutScripts(browser, page);
		await expect
			.poll(async () => {
				await page.goto('/staff/outbox');
				return page.getByRole('row').filter({ hasText: 'Simulated failure' }).count();
			})
			.toBeGreaterThan(0);
		const before = await page.getByRole('row').filter({ hasText: 'Simulated failure' }).count();

		const row = page.getByRole('row').filter({ hasText: 'Simulated failure' }).first();
		await row.getByLabel('Why send it again?').fill('Retried from a phone with scripts off');
		await row.getByRole('button', { name: 'Send again' }).click();
		await expect(page.getByRole('status')).toContainText('The message is queued to be sent again.');
		await expect(page.getByRole('row').filter({ hasText: 'Simulated failure' })).toHaveCount(before - 1);
		await expectAccessibleWithoutScripts(browser, page);
	});
});
