import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
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
		env: {
			...process.env,
			APP_ENV: 'production',
			DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
			KEK: Buffer.alloc(32, 1).toString('base64'),
			BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64')
		},
		encoding: 'utf8'
	});
	expect(result.status).toBe(2);
	expect(result.stderr).toContain('never written to a production database');
});

test('audit:verify exits 0 on an intact chain and 1, naming the entry, after tampering', async () => {
	const dataDir = '.tmp/e2e-audit-data';
	fs.rmSync(dataDir, { recursive: true, force: true });
	const run = (tool: string) =>
		spawnSync(process.execPath, [tool], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });

	expect(run('build/cli/seed.js').status).toBe(0);
	const intact = run('build/cli/audit-verify.js');
	expect(intact.status).toBe(0);
	expect(intact.stdout).toMatch(/intact: \d+ entries/);

	// Someone with direct access to the database files changes the third entry.
	const db = await PGlite.create(path.join(dataDir, 'pgdata'));
	await db.exec(`
		alter table audit_log disable trigger user;
		update audit_log set purpose = 'curiosity' where seq = 3;
		alter table audit_log enable trigger user;`);
	await db.close();

	const broken = run('build/cli/audit-verify.js');
	expect(broken.status).toBe(1);
	expect(broken.stdout).toContain('broken at entry #3');
});

test('keys:rotate re-wraps the data keys of an embedded database', () => {
	const dataDir = '.tmp/e2e-rotate-data';
	fs.rmSync(dataDir, { recursive: true, force: true });
	const run = (tool: string) =>
		spawnSync(process.execPath, [tool], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
	expect(run('build/cli/seed.js').status).toBe(0);
	const oldKey = fs.readFileSync(path.join(dataDir, 'keys', 'kek.key'), 'utf8');
	const rotated = run('build/cli/keys-rotate.js');
	expect(rotated.status).toBe(0);
	expect(rotated.stdout).toMatch(/Re-wrapped \d+ data key\(s\)/);
	expect(fs.readFileSync(path.join(dataDir, 'keys', 'kek.key'), 'utf8')).not.toBe(oldKey);
	expect(fs.readFileSync(path.join(dataDir, 'keys', 'kek.key.previous'), 'utf8')).toBe(oldKey);
	expect(run('build/cli/audit-verify.js').status).toBe(0);
});
