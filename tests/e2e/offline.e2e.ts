import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import arabic from '../../locales/ar/common.json' with { type: 'json' };
import english from '../../locales/en/common.json' with { type: 'json' };
import { expectAccessible, htmlLangDir } from './helpers';

// A server of its own, so that it can be stopped: the service worker must carry the reload.
const PORT = 4183;
const BASE = `http://127.0.0.1:${PORT}`;
const DATA_DIR = '.tmp/e2e-offline-data';
let server: ChildProcess | undefined;

async function startServer(): Promise<void> {
	fs.rmSync(DATA_DIR, { recursive: true, force: true });
	server = spawn(process.execPath, ['scripts/serve.js'], {
		env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR, LOG_LEVEL: 'warn' },
		stdio: 'ignore'
	});
	await expect
		.poll(async () => (await fetch(`${BASE}/readyz`).catch(() => undefined))?.status, { timeout: 60_000 })
		.toBe(200);
}

async function stopServer(): Promise<void> {
	if (!server || server.exitCode !== null) return;
	const exited = new Promise((resolve) => server!.once('exit', resolve));
	server.kill('SIGTERM');
	await exited;
	await expect
		.poll(async () => (await fetch(`${BASE}/healthz`).catch(() => undefined))?.status)
		.toBeUndefined();
}

test.afterEach(async () => {
	await stopServer();
});

for (const { lang, title, dir } of [
	{ lang: 'en', title: english['offline.title'], dir: 'ltr' },
	{ lang: 'ar', title: arabic['offline.title'], dir: 'rtl' }
]) {
	test(`a returning patient with no network sees the shell and an offline notice (${lang})`, async ({
		browser
	}) => {
		await startServer();
		const context = await browser.newContext({ baseURL: BASE, serviceWorkers: 'allow' });
		const page = await context.newPage();
		await page.goto(`/?lang=${lang}`);
		// The first visit installs the service worker; from the next navigation on, it controls the page.
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		await page.reload();
		await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

		// Nothing that can carry PHI was cached: only the shell, static assets and the offline page.
		const cached = await page.evaluate(async () => {
			const urls: string[] = [];
			for (const name of await caches.keys()) {
				for (const request of await (await caches.open(name)).keys())
					urls.push(new URL(request.url).pathname);
			}
			return urls;
		});
		expect(cached).toContain('/offline');
		expect(cached.filter((u) => !/^\/(_app\/|icons\/|favicon|manifest|offline$)/.test(u))).toEqual([]);

		await stopServer();
		await page.reload();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
		await expect(page.locator('.brand')).toBeVisible();
		expect(await htmlLangDir(page)).toEqual({ lang, dir });
		await expectAccessible(page);
		await context.close();
	});
}
