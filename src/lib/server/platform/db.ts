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
	/**
	 * Calls `onNotify` with each payload NOTIFY sends on `channel` (after the sending transaction
	 * commits). PostgreSQL: a dedicated connection that reconnects; PGlite: in-process. Returns the
	 * function that stops listening.
	 */
	listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
	/** Closes the pool or the embedded instance. */
	close(): Promise<void>;
};

/** LISTEN on a connection of its own, opened again after a failure (a restart, a dropped link). */
function listenOnPostgres(
	databaseUrl: string,
	channel: string,
	onNotify: (payload: string) => void,
	onError: (error: Error) => void
): Promise<() => Promise<void>> {
	let client: pg.Client | undefined;
	let stopped = false;
	let retry: NodeJS.Timeout | undefined;
	const connect = async (): Promise<void> => {
		const next = new pg.Client({ connectionString: databaseUrl });
		next.on('notification', (message) => {
			if (message.channel === channel) onNotify(message.payload ?? '');
		});
		next.on('error', (error) => {
			onError(error);
			void next.end().catch(() => undefined);
			if (client === next) client = undefined;
			if (!stopped) retry = setTimeout(() => void connect().catch(onError), 1000);
		});
		await next.connect();
		await next.query(`listen ${pg.escapeIdentifier(channel)}`);
		client = next;
	};
	return connect().then(() => async () => {
		stopped = true;
		clearTimeout(retry);
		await client?.end();
	});
}

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
		const url = options.databaseUrl;
		return {
			db,
			kind: 'postgres',
			listen: (channel, onNotify) =>
				listenOnPostgres(url, channel, onNotify, (error) => options.onPoolError?.(error)),
			close: () => db.destroy()
		};
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
		listen: async (channel, onNotify) => {
			const stop = await pglite.listen(channel, onNotify);
			return () => stop();
		},
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
