// Demo sign-ins for `npm run bench` (a fresh development server with the demo data): a staff member
// with the demo password and TOTP, and a patient with a code read from the development outbox.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';

const DEMO_PASSWORD = 'anyvisit-demo';
const DEMO_TOTP_KEY = decodeBase32IgnorePadding('JBSWY3DPEHPK3PXP');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {import('playwright-core').APIRequestContext} request @param {string} email */
export async function staffSignIn(request, email) {
	// A code is accepted once per time step: a refused one is tried again in the next step.
	for (let attempt = 0; attempt < 3; attempt++) {
		const otp = generateHOTP(DEMO_TOTP_KEY, BigInt(Math.floor(Date.now() / 30_000)), 6);
		const response = await request.post('/api/v1/auth/login', {
			data: { email, password: DEMO_PASSWORD, otp }
		});
		if (response.status() === 200) return;
		await sleep(30_000 - (Date.now() % 30_000) + 500);
	}
	throw new Error('staff sign-in failed');
}

/** @param {import('playwright-core').Page} page @param {string} contact @param {string} to */
export async function patientSignIn(page, contact, to) {
	const since = Date.now() - 1000;
	await page.goto('/sign-in');
	await page.locator('#contact').fill(contact);
	await page.locator('form[action="?/request"] button[type=submit]').click();
	// The bench's server has no EHR beside it: the outbox worker also retries those deliveries, so a
	// text may take a while to come out.
	for (let i = 0; i < 150; i++) {
		const { messages } = await (await page.request.get('/dev/outbox.json')).json();
		// The code is in the newest text to the patient since the request (not a booking text).
		const message = messages.find(
			(/** @type {{createdAt: string, to: string, body: string}} */ m) =>
				Date.parse(m.createdAt) >= since && m.to === to && /\b\d{6}\b/.test(m.body)
		);
		if (message) {
			await page.locator('#code').fill(/\b\d{6}\b/.exec(message.body)[0]);
			await page.locator('form[action*="/verify"] button[type=submit]').click();
			await page.waitForURL((url) => url.pathname === '/');
			await page.waitForLoadState('networkidle');
			return;
		}
		await sleep(200);
	}
	throw new Error('no sign-in code arrived');
}
