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
