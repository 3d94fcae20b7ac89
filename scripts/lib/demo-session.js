// Demo sign-ins for `npm run bench` (a fresh development server with the demo data): a staff member
// with the demo password and TOTP, and a patient with a code read from the development outbox.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';

const DEMO_PASSWORD = 'anyvisit-demo';
const DEMO_TOTP_KEY = decodeBase32IgnorePadding('JBSWY3DPEHPK3PXP');

/** @param {import('playwright-core').APIRequestContext} request @param {string} email */
export async function staffSignIn(request, email) {
	const otp = generateHOTP(DEMO_TOTP_KEY, BigInt(Math.floor(Date.now() / 30_000)), 6);
	const response = await request.post('/api/v1/auth/login', {
		data: { email, password: DEMO_PASSWORD, otp }
	});
	if (response.status() !== 200) throw new Error(`staff sign-in failed (${response.status()})`);
}

/** @param {import('playwright-core').Page} page @param {string} contact @param {string} to */
export async function patientSignIn(page, contact, to) {
	await page.goto('/sign-in');
	await page.locator('#contact').fill(contact);
	await page.locator('form[action="?/request"] button[type=submit]').click();
	for (let i = 0; i < 50; i++) {
		const { messages } = await (await page.request.get('/dev/outbox.json')).json();
		const message = messages.find(
			(/** @type {{to: string, body: string}} */ m) => m.to === to && /\d{6}/.test(m.body)
		);
		if (message) {
			await page.locator('#code').fill(/\d{6}/.exec(message.body)[0]);
			await page.locator('form[action*="/verify"] button[type=submit]').click();
			await page.waitForURL((url) => url.pathname === '/');
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error('no sign-in code arrived');
}
