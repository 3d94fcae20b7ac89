import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export type DatabaseHandle = {
	db: Db;
	kind: 'pglite' | 'postgres';
	/** Closes the pool or the embedded instance. */
	close(): Promise<void>;
};

// A PostgreSQL `date` is a calendar day, not an instant: keep it as 'YYYY-MM-DD' so that no
// time zone shifts a birth date or a licence expiry by one day.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (value: string) => value);

/** Opens PostgreSQL when a URL is given, else the embedded PGlite database under `dataDir`. */
export async function openDatabase(options: {
	databaseUrl?: string | undefined;
	dataDir?: string;
	/** An in-memory PGlite, for tests that need a throwaway database. */
	memory?: boolean;
	poolSize?: number;
	/** Told when an idle pooled connection fails (a server restart, a terminated backend). */
	onPoolError?: (error: Error) => void;
}): Promise<DatabaseHandle> {
	if (options.databaseUrl) {
		const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
		// Without a listener, an idle connection's error would end the process; the pool replaces it.
		pool.on('error', (error) => options.onPoolError?.(error));
		const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
		await sql`select 1`.execute(db);
		return { db, kind: 'postgres', close: () => db.destroy() };
	}
	let location: string | undefined;
	if (!options.memory) {
		if (!options.dataDir) throw new Error('dataDir is required for the embedded database');
		location = path.join(options.dataDir, 'pgdata');
		fs.mkdirSync(location, { recursive: true });
	}
	// btree_gist lets an exclusion constraint mix equality (a clinician) with range overlap (a time).
	const pglite = await PGlite.create(location, {
		parsers: { [DATE_OID]: (value: string) => value },
		extensions: { btree_gist }
	});
	const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
	return {
		db,
		kind: 'pglite',
		close: async () => {
			await db.destroy();
			if (!pglite.closed) await pglite.close();
		}
	};
}

/** True when the database answers a trivial query. */
export async function isReachable(db: Db): Promise<boolean> {
	try {
		await sql`select 1`.execute(db);
		return true;
	} catch {
		return false;
	}
}

/**
 * The name of the constraint a database error violated, when it is that kind of violation
 * (SQLSTATE 23P01 exclusion, 23505 unique). pg and PGlite both report code and constraint.
 */
export function violatedConstraint(error: unknown, kind: 'exclusion' | 'unique'): string | null {
	const e = error as { code?: unknown; constraint?: unknown } | null;
	const code = kind === 'exclusion' ? '23P01' : '23505';
	if (!e || typeof e !== 'object' || e.code !== code) return null;
	return typeof e.constraint === 'string' ? e.constraint : '';
}
