import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/lib/server/platform/db';

// PostgreSQL only: PGlite has no pool and no server that could end a connection.
describe.runIf(!!process.env.TEST_DATABASE_URL)('PostgreSQL pool', () => {
	test('an idle connection ended by the server is reported, not fatal, and the pool reconnects', async () => {
		const errors: Error[] = [];
		const handle = await openDatabase({
			databaseUrl: process.env.TEST_DATABASE_URL,
			poolSize: 1,
			onPoolError: (error) => errors.push(error)
		});
		try {
			const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
			const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
			await admin.connect();
			await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
			await admin.end();
			await expect.poll(() => errors.length).toBe(1);
			const again = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
			expect(again.rows).toEqual([{ one: 1 }]);
		} finally {
			await handle.close();
		}
	});
});
