import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';

// The end-to-end server holds the embedded database in .tmp/e2e-data (playwright.config.ts).
test('db:migrate and seed refuse clearly while the server holds the embedded database', async ({
	request
}) => {
	for (const tool of ['build/cli/migrate.js', 'build/cli/seed.js']) {
		const result = spawnSync(process.execPath, [tool], {
			env: { ...process.env, DATA_DIR: '.tmp/e2e-data', DATABASE_URL: '' },
			encoding: 'utf8'
		});
		expect(result.status).toBe(2);
		expect(result.stderr).toContain('is open in another AnyVisit process');
	}
	// The server's database is untouched and still serves.
	expect((await request.get('/readyz')).status()).toBe(200);
});

test('seed refuses a production database before connecting to it', () => {
	const result = spawnSync(process.execPath, ['build/cli/seed.js'], {
		env: { ...process.env, APP_ENV: 'production', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
		encoding: 'utf8'
	});
	expect(result.status).toBe(2);
	expect(result.stderr).toContain('never written to a production database');
});
