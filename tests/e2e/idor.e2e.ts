import { expect, test, type Browser } from '@playwright/test';

/** Signs a patient in through the pages, with the code read from the development outbox. */
async function patientSession(browser: Browser, contact: string, to: string) {
	const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
	const page = await context.newPage();
	await page.goto('/sign-in?lang=en');
	await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
	await page.getByLabel('Mobile number or email').fill(contact);
	await page.getByRole('button', { name: 'Send me a code' }).click();
	await expect(page).toHaveURL(/\/sign-in\/code\?c=/);
	let code = '';
	await expect
		.poll(async () => {
			const { messages } = await (await page.request.get('/dev/outbox.json')).json();
			const message = messages.find((m: { to: string; body: string }) => m.to === to && /\d{6}/.test(m.body));
			code = message ? /\d{6}/.exec(message.body)![0] : '';
			return code;
		})
		.not.toBe('');
	await page.getByLabel('6-digit code').fill(code);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
	const me = await (await page.request.get('/api/v1/me')).json();
	return { context, request: page.request, id: me.id as string };
}

test('IDOR: a patient who changes the id in the URL to another patient’s is refused', async ({ browser }) => {
	const layla = await patientSession(browser, 'layla.hassan@example.org', 'layla.hassan@example.org');
	const own = await layla.request.get(`/api/v1/patients/${layla.id}`);
	expect(own.status()).toBe(200);
	expect((await own.json()).patient).toMatchObject({
		id: layla.id,
		givenName: 'Layla',
		preferredLanguage: 'ar'
	});

	const tuan = await patientSession(browser, '(651) 555-0105', '+16515550105');
	const attempt = await tuan.request.get(`/api/v1/patients/${layla.id}`, {
		headers: { 'accept-language': 'en' }
	});
	expect(attempt.status()).toBe(404);
	const body = await attempt.json();
	expect(body.error.code).toBe('NOT_FOUND');
	// Nothing of Layla's record comes back, and the answer is the one an unknown id gets.
	expect(JSON.stringify(body)).not.toContain('Layla');
	const unknown = await tuan.request.get('/api/v1/patients/00000000-0000-4000-8000-000000000000', {
		headers: { 'accept-language': 'en' }
	});
	expect(unknown.status()).toBe(404);
	expect(await unknown.json()).toEqual(body);
	expect((await tuan.request.get('/api/v1/patients/not-an-id')).status()).toBe(422);

	await layla.context.close();
	await tuan.context.close();
});

test('patient records need a session', async ({ request }) => {
	const response = await request.get('/api/v1/patients/00000000-0000-4000-8000-000000000000');
	expect(response.status()).toBe(401);
});
