import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers';

// A copy of the build served on its own port, so that its service worker can be changed on disk and
// the server restarted: that is what a deployment of a new version looks like to a returning patient.
const PORT = 4185;
const BASE = `http://127.0.0.1:${PORT}`;
const COPY = path.resolve('.tmp/e2e-update-build');
const DATA_DIR = '.tmp/e2e-update-data';
let server: ChildProcess | undefined;

async function startServer() {
	server = spawn(process.execPath, ['scripts/serve.js', COPY], {
		env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR, LOG_LEVEL: 'warn' },
		stdio: 'ignore'
	});
	await expect
		.poll(async () => (await fetch(`${BASE}/readyz`).catch(() => undefined))?.status, { timeout: 60_000 })
		.toBe(200);
}

async function stopServer() {
	if (!server || server.exitCode !== null) return;
	const exited = new Promise((resolve) => server!.once('exit', resolve));
	server.kill('SIGTERM');
	await exited;
}

/** Deploys a "new version": one precache revision changes, and the server restarts. */
async function deployNewServiceWorker() {
	await stopServer();
	const file = path.join(COPY, 'client', 'sw.js');
	const source = fs.readFileSync(file, 'utf8');
	const changed = source.replace(
		/revision:"([0-9a-f])/,
		(_m, c: string) => `revision:"${c === 'a' ? 'b' : 'a'}`
	);
	expect(changed).not.toBe(source);
	fs.writeFileSync(file, changed);
	await startServer();
}

test.beforeAll(async () => {
	fs.rmSync(COPY, { recursive: true, force: true });
	fs.rmSync(DATA_DIR, { recursive: true, force: true });
	fs.cpSync('build', COPY, { recursive: true });
	// Serve the worker uncompressed, so that the edit is what the browser receives.
	for (const suffix of ['.br', '.gz'])
		fs.rmSync(path.join(COPY, 'client', `sw.js${suffix}`), { force: true });
	await startServer();
});

test.afterAll(async () => {
	await stopServer();
});

test('when a new version is deployed the patient is offered an update', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: BASE, serviceWorkers: 'allow' });
	const page = await context.newPage();
	await page.goto('/');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await page.reload();
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
	const prompt = page.getByRole('status').filter({ hasText: 'A new version of AnyVisit is ready.' });
	await expect(prompt).toHaveCount(0);

	await deployNewServiceWorker();
	await page.evaluate(async () => {
		await (await navigator.serviceWorker.getRegistration())?.update();
	});
	await expect(prompt).toBeVisible();
	await expectAccessible(page);

	// The waiting worker takes over and the page reloads under it.
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Update now' }).click()]);
	await expect(prompt).toHaveCount(0);
	expect(
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)
	).toBeNull();
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await context.close();
});
