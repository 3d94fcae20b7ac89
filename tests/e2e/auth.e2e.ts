import { expect, test, type APIRequestContext } from '@playwright/test';
import spanish from '../../locales/es/errors.json' with { type: 'json' };
import { DEMO_PASSWORD, freshCode } from './helpers';

const PASSWORD = DEMO_PASSWORD;

const login = (
	request: APIRequestContext,
	data: Record<string, unknown>,
	headers: Record<string, string> = {}
) => request.post('/api/v1/auth/login', { data, headers });

test.describe('staff sign-in API', () => {
	test('GET /api/v1/me is 401 before signing in', async ({ request }) => {
		const response = await request.get('/api/v1/me');
		expect(response.status()).toBe(401);
		expect((await response.json()).error.code).toBe('UNAUTHORIZED');
	});

	test('sign in with email, password and TOTP; /me gives the roles; logout ends it', async ({ request }) => {
		const response = await login(request, {
			email: 'scheduler@demo.anyvisit.test',
			password: PASSWORD,
			otp: await freshCode('scheduler@demo.anyvisit.test')
		});
		expect(response.status()).toBe(200);
		const cookie = response.headers()['set-cookie'] ?? '';
		expect(cookie).toMatch(/^session=[a-z2-7]+\.[a-z2-7]+;/);
		expect(cookie).toContain('HttpOnly');
		expect(cookie).toContain('SameSite=Lax');

		const me = await request.get('/api/v1/me');
		expect(me.status()).toBe(200);
		expect(await me.json()).toMatchObject({
			kind: 'staff',
			email: 'scheduler@demo.anyvisit.test',
			roles: ['scheduler']
		});

		expect((await request.post('/api/v1/auth/logout')).status()).toBe(200);
		expect((await request.get('/api/v1/me')).status()).toBe(401);
	});

	test('an unknown email and a wrong password get the very same 401 body', async ({ request }) => {
		const otp = await freshCode('biller@demo.anyvisit.test');
		const unknown = await login(request, { email: 'nobody@demo.anyvisit.test', password: PASSWORD, otp });
		const wrong = await login(request, {
			email: 'biller@demo.anyvisit.test',
			password: 'not-the-password',
			otp
		});
		expect(unknown.status()).toBe(401);
		expect(wrong.status()).toBe(401);
		expect(await unknown.text()).toBe(await wrong.text());
		expect(unknown.headers()['set-cookie']).toBeUndefined();
	});

	test('a reused TOTP code is refused', async ({ request }) => {
		const otp = await freshCode('nurse@demo.anyvisit.test');
		const body = { email: 'nurse@demo.anyvisit.test', password: PASSWORD, otp };
		expect((await login(request, body)).status()).toBe(200);
		await request.post('/api/v1/auth/logout');
		expect((await login(request, body)).status()).toBe(401);
	});

	test('the failure message is in the request’s language', async ({ request }) => {
		const response = await login(
			request,
			{ email: 'biller@demo.anyvisit.test', password: 'x', otp: '000000' },
			{ 'accept-language': 'es' }
		);
		expect((await response.json()).error.message).toBe(spanish.AUTH_FAILED);
	});

	test('bad input is a clear 4xx', async ({ request }) => {
		expect((await login(request, { email: 7, password: PASSWORD, otp: '123456' })).status()).toBe(422);
		expect((await login(request, { email: 'a@b.c', password: PASSWORD })).status()).toBe(422);
		expect((await login(request, { email: 'a@b.c', password: 'x'.repeat(2000), otp: '1' })).status()).toBe(
			422
		);
		expect((await login(request, { email: 'a@b.c', password: 'x', otp: '1', admin: true })).status()).toBe(
			422
		);
	});

	test('a forged session cookie is not a session, and is cleared', async ({ request }) => {
		const response = await request.get('/api/v1/me', {
			headers: { cookie: 'session=aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbb' }
		});
		expect(response.status()).toBe(401);
		expect(response.headers()['set-cookie']).toContain('session=;');
	});

	test('after repeated failures the account answers 429', async ({ request }) => {
		const email = 'daniel.reyes@demo.anyvisit.test';
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++)
			statuses.push((await login(request, { email, password: 'wrong', otp: '000000' })).status());
		expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
		expect(statuses[5]).toBe(429);
		const right = await login(request, { email, password: PASSWORD, otp: await freshCode(email) });
		expect(right.status()).toBe(429);
	});
});
