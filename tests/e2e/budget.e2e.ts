import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { START_PAGE_JS_BUDGET, measureScripts } from '../../scripts/lib/page-weight.js';

test.describe('low-end first', () => {
	test('the patient start page ships at most 60 KB of JavaScript (gzip), and no media SDK', async ({
		page
	}) => {
		const { gzip, scripts } = await measureScripts(page, '/');
		expect(scripts.length).toBeGreaterThan(0);
		expect(gzip).toBeLessThanOrEqual(START_PAGE_JS_BUDGET);
		expect(scripts.map((s) => s.url).join(' ')).not.toMatch(/twilio|voice-sdk/i);
	});
});

test('the service worker never precaches a media SDK (they load only when a call starts)', async ({
	request
}) => {
	const sw = await (await request.get('/sw.js')).text();
	const precached = [...sw.matchAll(/url:"(_app\/immutable\/[^"]+\.js)"/g)].map((m) => m[1]!);
	expect(precached.length).toBeGreaterThan(10);
	const chunks = fs.readdirSync('build/client/_app/immutable/chunks').filter((f) => f.endsWith('.js'));
	const sdk = chunks.filter((f) =>
		/twilio-video|@twilio\/voice-sdk/.test(fs.readFileSync(`build/client/_app/immutable/chunks/${f}`, 'utf8'))
	);
	// twilio-video and the voice SDK are in the build (loaded when a call starts), yet not in the precache.
	expect(sdk.length).toBeGreaterThanOrEqual(2);
	for (const chunk of sdk) expect(precached).not.toContain(`_app/immutable/chunks/${chunk}`);
});
