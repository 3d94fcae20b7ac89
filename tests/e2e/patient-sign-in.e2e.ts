import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { expectAccessible, expectAccessibleWithoutScripts } from './helpers';

/** Reads the newest one-time code sent to `to` from the development outbox. */
async function codeSentTo(request: APIRequestContext, to: string): Promise<string> {
	let code = '';
	await expect
		.poll(async () => {
			const { messages } = await (await request.get('/dev/outbox.json')).json();
			const message = messages.find(
				(m: { to: string; body: string }) => m.to === to && /(\d ?){6}/.test(m.body)
			);
			code = message ? /(\d ?){6}/.exec(message.body)![0].replace(/ /g, '') : '';
			return code;
		})
		.not.toBe('');
	return code;
}

async function requestCode(page: Page, contact: string) {
	await page.goto('/sign-in?lang=en');
	await page.getByLabel('Mobile number or email').fill(contact);
	await page.getByRole('button', { name: 'Send me a code' }).click();
	await expect(page).toHaveURL(/\/sign-in\/code\?c=[0-9a-f-]{36}$/);
}

test.describe('patient sign-in with a one-time code', () => {
	test('from the start page, with the code read from the development outbox', async ({ page }) => {
		await page.goto('/?lang=en');
		await page.getByRole('link', { name: 'Sign in to see your visits' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
		await expectAccessible(page);
		await page.getByLabel('Mobile number or email').fill('(720) 555-0103');
		await page.getByRole('button', { name: 'Send me a code' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter your code');
		await expectAccessible(page);

		await page.getByLabel('6-digit code').fill(await codeSentTo(page.request, '+17205550103'));
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page).toHaveURL(/\/$/);
		await expect(page.getByText('Signed in as Marcus')).toBeVisible();
		expect(await (await page.request.get('/api/v1/me')).json()).toMatchObject({ kind: 'patient' });
		await expectAccessible(page);
	});

	test('a Spanish-speaking patient’s saved language takes over once signed in', async ({ page }) => {
		await requestCode(page, '512 555 0101');
		await page.getByLabel('6-digit code').fill(await codeSentTo(page.request, '+15125550101'));
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', 'es');
		await page.getByRole('button', { name: 'Cerrar sesión' }).click();
		expect((await page.request.get('/api/v1/me')).status()).toBe(401);
	});

	test('a wrong code is announced, and an unknown number looks the same as a known one', async ({ page }) => {
		await requestCode(page, '+1 303 555 0199');
		await page.getByLabel('6-digit code').fill('123456');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toContainText('That code is not right or has expired.');
		await expectAccessible(page);
	});
});

test.describe('on a slow phone', () => {
	test('what the patient typed before the page finished loading survives hydration', async ({ page }) => {
		// Hold the app's scripts back so the patient types into the server-rendered form first.
		let release = () => {};
		const held = new Promise<void>((resolve) => (release = resolve));
		await page.route('**/_app/immutable/**', async (route) => {
			await held;
			await route.continue();
		});
		await page.goto('/sign-in?lang=en', { waitUntil: 'commit' });
		await page.getByLabel('Mobile number or email').fill('512 555 0101');
		release();
		await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
		await expect(page.getByLabel('Mobile number or email')).toHaveValue('512 555 0101');
	});
});

test.describe('patient sign-in without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('a landline patient gets the code by a voice call and signs in with plain forms', async ({
		page,
		browser
	}) => {
		await requestCode(page, '608 555 0104');
		await expectAccessibleWithoutScripts(browser, page);
		await page.getByLabel('6-digit code').fill(await codeSentTo(page.request, '+16085550104'));
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByText('Signed in as Dorothy')).toBeVisible();
	});
});
