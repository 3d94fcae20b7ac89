import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';

/** WCAG 2.2 A and AA, asked for explicitly: axe skips the 2.2 rules otherwise. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export async function expectAccessible(page: Page): Promise<void> {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	const violations = results.violations.map(
		(v) => `${v.id} (${v.impact ?? ''}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`
	);
	expect(violations, `axe found violations on ${page.url()}`).toEqual([]);
}

export async function htmlLangDir(page: Page): Promise<{ lang: string | null; dir: string | null }> {
	const html = page.locator('html');
	return { lang: await html.getAttribute('lang'), dir: await html.getAttribute('dir') };
}

/** The Origin header SvelteKit's CSRF check expects on a form post made outside a browser page. */
export const sameOrigin = (baseURL: string | undefined) => ({ origin: new URL(baseURL ?? '').origin });

/**
 * axe needs script in the page, so a JavaScript-off page is checked as the server rendered it:
 * the same URL and cookies in a context where every script request is refused.
 */
export async function expectAccessibleWithoutScripts(browser: Browser, page: Page): Promise<void> {
	const context = await browser.newContext({ baseURL: new URL(page.url()).origin, javaScriptEnabled: true });
	await context.addCookies(await page.context().cookies());
	await context.route(/\.m?js(\?|$)/, (route) => route.abort());
	const copy = await context.newPage();
	await copy.goto(page.url());
	await expectAccessible(copy);
	await context.close();
}

/** The demo accounts of the identity contract. */
export const DEMO_PASSWORD = 'anyvisit-demo';
const DEMO_TOTP_KEY = decodeBase32IgnorePadding('JBSWY3DPEHPK3PXP');

/**
 * A TOTP code the account has not used yet: each account accepts a time step once, so a second
 * sign-in of the same account within 30 seconds waits for the next step.
 */
const lastStep = new Map<string, number>();
export async function freshCode(email: string): Promise<string> {
	const used = lastStep.get(email) ?? 0;
	await expect.poll(() => Math.floor(Date.now() / 30_000), { timeout: 35_000 }).toBeGreaterThan(used);
	const step = Math.floor(Date.now() / 30_000);
	lastStep.set(email, step);
	return generateHOTP(DEMO_TOTP_KEY, BigInt(step), 6);
}

/**
 * Signs a demo staff member in through the API on `request` (a browser context's, so its pages share
 * the session). A code refused because another test file, in another worker, used this time step
 * already is followed by the next step's code.
 */
export async function signInStaff(request: APIRequestContext, email: string): Promise<void> {
	for (let attempt = 0; attempt < 3; attempt++) {
		const response = await request.post('/api/v1/auth/login', {
			data: { email, password: DEMO_PASSWORD, otp: await freshCode(email) }
		});
		if (response.status() === 200) return;
	}
	throw new Error(`staff sign-in of ${email} failed`);
}

/**
 * Signs a demo patient in as they would: their phone number, then the six-digit code from the newest
 * text to them in the development outbox (not an earlier one).
 */
export async function signInPatient(page: Page, contact: string, to: string): Promise<void> {
	const since = Date.now() - 1000;
	await page.goto('/sign-in');
	await page.locator('#contact').fill(contact);
	await page.locator('form[action="?/request"] button[type=submit]').click();
	let code = '';
	await expect
		.poll(async () => {
			const { messages } = await (await page.request.get('/dev/outbox.json')).json();
			const message = (messages as { to: string; body: string; createdAt: string }[]).find(
				(m) => m.to === to && Date.parse(m.createdAt) >= since && /\b\d{6}\b/.test(m.body)
			);
			code = message ? /\b\d{6}\b/.exec(message.body)![0] : '';
			return code;
		})
		.not.toBe('');
	await page.locator('#code').fill(code);
	await page.locator('form[action*="/verify"] button[type=submit]').click();
	await expect(page).toHaveURL(/\/$/);
}
