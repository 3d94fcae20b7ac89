import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './scripts/lib/chromium.js';

export const E2E_PORT = 4173;
/** The sandbox EHR beside the end-to-end server. */
export const E2E_EHR_PORT = 4193;
/** The sandbox EHR's HL7 v2 listener (MLLP). */
export const E2E_MLLP_PORT = 4195;

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	forbidOnly: true,
	retries: 0,
	timeout: 60_000,
	reporter: [['list'], ['json', { outputFile: '.tmp/playwright.json' }]],
	use: {
		baseURL: `http://127.0.0.1:${E2E_PORT}`,
		browserName: 'chromium',
		launchOptions: CHROMIUM,
		trace: 'off'
	},
	webServer: {
		command: 'node scripts/e2e-server.js',
		url: `http://127.0.0.1:${E2E_PORT}/readyz`,
		reuseExistingServer: false,
		timeout: 240_000,
		stdout: 'ignore',
		stderr: 'pipe',
		env: {
			PORT: String(E2E_PORT),
			HOST: '127.0.0.1',
			DATA_DIR: '.tmp/e2e-data',
			METRICS_TOKEN: 'e2e-metrics-token-0123456789',
			BILLING_API_TOKEN: 'e2e-billing-token-0123456789',
			LOG_LEVEL: 'warn',
			SANDBOX_EHR_PORT: String(E2E_EHR_PORT),
			SANDBOX_MLLP_PORT: String(E2E_MLLP_PORT),
			// Changes made in the EHR come back within seconds, so a test can wait for them.
			EHR_POLL_SECONDS: '2'
		}
	}
});
