import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, expectAccessibleWithoutScripts, freshCode } from './helpers';

const ADMIN = 'admin@demo.anyvisit.test';
const NEWCOMER = { name: 'Grace Lee', email: 'grace.lee@demo.anyvisit.test' };
const NEW_PASSWORD = 'sunlit harbour kettle 42';

/** Signs in with the authenticator's 6-digit code or, for anything else, as a recovery code. */
async function signIn(page: Page, email: string, password: string, otp: string) {
	const recovery = !/^\d{6}$/.test(otp);
	await page.goto(recovery ? '/staff/sign-in?lang=en&recovery' : '/staff/sign-in?lang=en');
	await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
	await page.getByLabel('Work email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByLabel(recovery ? 'Recovery code' : '6-digit code from your authenticator app').fill(otp);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The invitation link in the newest email to `to` in the development outbox. */
async function invitationLink(request: APIRequestContext, to: string): Promise<string> {
	let link = '';
	await expect
		.poll(async () => {
			const { messages } = await (await request.get('/dev/outbox.json')).json();
			const message = messages.find(
				(m: { to: string; body: string }) => m.to === to && /\/staff\/invite\//.test(m.body)
			);
			link = message
				? new URL(/https?:\/\/\S+\/staff\/invite\/[a-z2-7]+/.exec(message.body)![0]).pathname
				: '';
			return link;
		})
		.not.toBe('');
	return link;
}

/**
 * The newcomer's next unused code: a time step is accepted once, so each sign-in takes the earliest
 * step after the last one used that the server still accepts (up to one step ahead for clock drift).
 */
let lastStep = 0;
async function nextCode(secret: string): Promise<string> {
	const now = () => Math.floor(Date.now() / 30_000);
	await expect.poll(() => now() + 1, { timeout: 35_000 }).toBeGreaterThan(lastStep);
	lastStep = Math.max(lastStep + 1, now());
	return generateHOTP(decodeBase32IgnorePadding(secret.replace(/ /g, '')), BigInt(lastStep), 6);
}

test.describe.serial('a new staff member, from invitation to sign-in', () => {
	let secret = '';
	let recoveryCodes: string[] = [];

	test('an admin invites them from the team page', async ({ page }) => {
		await signIn(page, ADMIN, DEMO_PASSWORD, await freshCode(ADMIN));
		await page.goto('/staff/team?lang=en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Team');
		await expectAccessible(page);
		await page.getByLabel('Full name').fill(NEWCOMER.name);
		await page.getByLabel('Work email').fill(NEWCOMER.email);
		await page.getByRole('checkbox', { name: 'Nurse' }).check();
		await page.getByRole('button', { name: 'Send invitation' }).click();
		await expect(page.getByRole('status')).toContainText(`Invitation sent to ${NEWCOMER.email}.`);
		const row = page.getByRole('row', { name: new RegExp(NEWCOMER.name) });
		await expect(row).toContainText('Invited, not set up yet');
		await expectAccessible(page);

		// The same email twice is a clear, localized 409 on the form, which keeps what was typed.
		await page.getByLabel('Full name').fill('Grace Again');
		await page.getByLabel('Work email').fill(NEWCOMER.email);
		await page.getByRole('checkbox', { name: 'Nurse' }).check();
		await page.getByRole('button', { name: 'Send invitation' }).click();
		await expect(page.getByRole('alert')).toContainText('Someone on a team already uses this email address.');
		await expect(page.getByLabel('Full name')).toHaveValue('Grace Again');

		await page.goto('/staff/team?lang=ar');
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expectAccessible(page);
	});

	test('they set a password, scan the QR code (or type the key) and get recovery codes', async ({ page }) => {
		const link = await invitationLink(page.request, NEWCOMER.email);
		await page.goto(`${link}?lang=ar`);
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expectAccessible(page);
		await page.goto(`${link}?lang=en`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up your sign-in');
		await expect(
			page.getByRole('img', { name: 'QR code to add AnyVisit to your authenticator app' })
		).toBeVisible();
		await expectAccessible(page);
		secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
		expect(secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);

		// A wrong code is announced and nothing is enrolled.
		await page.getByLabel('New password').fill(NEW_PASSWORD);
		await page.getByLabel('6-digit code from your authenticator app').fill('000000');
		await page.getByRole('button', { name: 'Finish setting up' }).click();
		await expect(page.getByRole('alert')).toContainText('That code does not match.');
		await expectAccessible(page);

		await page.getByLabel('New password').fill(NEW_PASSWORD);
		await page.getByLabel('6-digit code from your authenticator app').fill(await nextCode(secret));
		await page.getByRole('button', { name: 'Finish setting up' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are all set');
		recoveryCodes = await page.locator('.recovery-codes code').allTextContents();
		expect(recoveryCodes).toHaveLength(10);
		await expectAccessible(page);

		// The link works once.
		const again = await page.goto(link);
		expect(again?.status()).toBe(410);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await expectAccessible(page);
	});

	test('they sign in with their authenticator, and later with a recovery code, once', async ({ page }) => {
		await signIn(page, NEWCOMER.email, NEW_PASSWORD, await nextCode(secret));
		await expect(page).toHaveURL(/\/staff$/);
		expect(await (await page.request.get('/api/v1/me')).json()).toMatchObject({ roles: ['nurse'] });
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page).toHaveURL(/\/staff\/sign-in$/);

		for (const expected of ['signed in', 'refused']) {
			await page.goto('/staff/sign-in?lang=en');
			await page.getByRole('link', { name: 'Lost your phone? Sign in with a recovery code' }).click();
			await expect(page).toHaveURL(/\?recovery$/);
			await expect(page.getByLabel('Recovery code')).toBeVisible();
			await page.getByLabel('Work email').fill(NEWCOMER.email);
			await page.getByLabel('Password').fill(NEW_PASSWORD);
			await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
			await page.getByRole('button', { name: 'Sign in' }).click();
			if (expected === 'signed in') {
				await expect(page).toHaveURL(/\/staff$/);
				await page.getByRole('button', { name: 'Sign out' }).click();
				await expect(page).toHaveURL(/\/staff\/sign-in$/);
				await expect(page).toHaveURL(/\/staff\/sign-in$/);
			} else {
				await expect(page.getByRole('alert')).toContainText('The email, password or code is not right.');
			}
		}
	});

	test('on their account page they see the codes left and can sign out everywhere', async ({
		page,
		browser
	}) => {
		await signIn(page, NEWCOMER.email, NEW_PASSWORD, await nextCode(secret));
		await expect(page).toHaveURL(/\/staff$/);
		const other = await browser.newContext({ baseURL: new URL(page.url()).origin });
		const otherPage = await other.newPage();
		await signIn(otherPage, NEWCOMER.email, NEW_PASSWORD, recoveryCodes[1]!.toUpperCase());
		await expect(otherPage).toHaveURL(/\/staff$/);

		await page.goto('/staff/account?lang=en');
		await expect(page.getByText('Unused recovery codes: 8')).toBeVisible();
		await expect(page.getByText('Devices and browsers signed in: 2')).toBeVisible();
		await expectAccessible(page);
		await page.goto('/staff/account?lang=ar');
		await expectAccessible(page);
		await page.goto('/staff/account?lang=en');
		await page.getByRole('button', { name: 'Sign out everywhere' }).click();
		await expect(page).toHaveURL(/\/staff\/sign-in$/);
		expect((await otherPage.request.get('/api/v1/me')).status()).toBe(401);
		await other.close();
	});

	test('the admin deactivates them: their session ends at once and they can no longer sign in', async ({
		page,
		browser
	}) => {
		const theirs = await browser.newContext({ baseURL: new URL(test.info().project.use.baseURL!).origin });
		const theirPage = await theirs.newPage();
		await signIn(theirPage, NEWCOMER.email, NEW_PASSWORD, recoveryCodes[2]!);
		await expect(theirPage).toHaveURL(/\/staff$/);

		await signIn(page, ADMIN, DEMO_PASSWORD, await freshCode(ADMIN));
		await page.goto('/staff/team?lang=en');
		const row = page.getByRole('row', { name: new RegExp(NEWCOMER.name) });
		await expect(row.getByRole('button', { name: 'Deactivate' })).toHaveAccessibleDescription(NEWCOMER.name);
		await row.getByRole('button', { name: 'Deactivate' }).click();
		await expect(page.getByRole('status')).toContainText('Deactivated.');
		await expect(row).toContainText('Deactivated');

		expect((await theirPage.request.get('/api/v1/me')).status()).toBe(401);
		await signIn(theirPage, NEWCOMER.email, NEW_PASSWORD, recoveryCodes[3]!);
		await expect(theirPage.getByRole('alert')).toContainText('The email, password or code is not right.');
		await theirs.close();
	});
});

test.describe('team page without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('only admins reach it, and its forms are plain posts', async ({ page, browser }) => {
		await page.goto('/staff/team');
		await expect(page).toHaveURL(/\/staff\/sign-in$/);
		const nurse = 'nurse@demo.anyvisit.test';
		await page.getByLabel('Work email').fill(nurse);
		await page.getByLabel('Password').fill(DEMO_PASSWORD);
		await page.getByLabel('6-digit code from your authenticator app').fill(await freshCode(nurse));
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page).toHaveURL(/\/staff$/);
		const response = await page.goto('/staff/team?lang=en');
		expect(response?.status()).toBe(403);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await expectAccessibleWithoutScripts(browser, page);
	});
});
