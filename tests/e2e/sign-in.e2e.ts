import { expect, test, type Page } from '@playwright/test';
import arabic from '../../locales/ar/auth.json' with { type: 'json' };
import { DEMO_PASSWORD, expectAccessible, expectAccessibleWithoutScripts, freshCode } from './helpers';

async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
	await page.goto('/staff/sign-in?lang=en');
	await page.getByLabel('Work email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByLabel('6-digit code').fill(await freshCode(email));
	await page.getByRole('button', { name: 'Sign in' }).click();
}

test.describe('staff sign-in page', () => {
	test('is accessible in English and Arabic', async ({ page }) => {
		await page.goto('/staff/sign-in?lang=en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff sign-in');
		await expectAccessible(page);
		await page.goto('/staff/sign-in?lang=ar');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(arabic['signin.title']);
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expectAccessible(page);
	});

	test('a wrong password is announced, the email kept and the password not', async ({ page }) => {
		await page.goto('/staff/sign-in?lang=en');
		await page.getByLabel('Work email').fill('admin@demo.anyvisit.test');
		await page.getByLabel('Password').fill('wrong-password');
		await page.getByLabel('6-digit code').fill('000000');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toContainText('The email, password or code is not right.');
		await expect(page.getByLabel('Work email')).toHaveValue('admin@demo.anyvisit.test');
		await expect(page.getByLabel('Password')).toHaveValue('');
		await expectAccessible(page);
	});

	test('sign in with TOTP, see who is signed in, sign out', async ({ page }) => {
		await signIn(page, 'maya.okafor@demo.anyvisit.test');
		await expect(page).toHaveURL(/\/staff$/);
		await expect(page.getByText('Signed in as Dr. Maya Okafor')).toBeVisible();
		expect((await page.request.get('/api/v1/me')).status()).toBe(200);
		await expectAccessible(page);
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page).toHaveURL(/\/staff\/sign-in$/);
		expect((await page.request.get('/api/v1/me')).status()).toBe(401);
	});

	test('inactivity: a warning lets the person stay; without an answer they are signed out', async ({
		page
	}) => {
		await page.clock.install();
		await signIn(page, 'admin@demo.anyvisit.test');
		await expect(page.getByText('Signed in as Jordan Lee')).toBeVisible();
		const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
		await expect(warning).toHaveCount(0);
		await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');

		await page.clock.fastForward('13:30');
		await expect(warning).toBeVisible();
		await expect(warning.getByRole('button', { name: 'Stay signed in' })).toBeFocused();
		await expectAccessible(page);
		await warning.getByRole('button', { name: 'Stay signed in' }).click();
		await expect(warning).toHaveCount(0);

		await page.clock.fastForward('13:30');
		await expect(warning).toBeVisible();
		await page.clock.fastForward('02:00');
		await expect(page).toHaveURL(/\/staff\/sign-in\?ended=1$/);
		await expect(page.getByRole('status')).toContainText('You were signed out because there was no activity');
		expect((await page.request.get('/api/v1/me')).status()).toBe(401);
	});
});

test.describe('staff sign-in without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('works as a plain form post', async ({ page, browser }) => {
		await signIn(page, 'samira.haddad@demo.anyvisit.test');
		await expect(page).toHaveURL(/\/staff$/);
		await expect(page.getByText('Signed in as Samira Haddad, PMHNP')).toBeVisible();
		await expectAccessibleWithoutScripts(browser, page);
	});
});
