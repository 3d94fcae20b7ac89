import { afterAll, beforeAll, beforeEach } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Db } from '../../src/lib/server/platform/db';
import { syncCompactMemberships } from '../../src/lib/server/licensure/repository';
import { migrateToLatest } from '../../src/lib/server/platform/migrate';

export type TestDatabase = {
	kind: 'pglite' | 'postgres';
	db: Db;
	handle: DatabaseHandle;
	close(): Promise<void>;
};

/**
 * The databases the integration suite runs against: PGlite always, and PostgreSQL as well when
 * TEST_DATABASE_URL is set (CI starts a throwaway PostgreSQL 15 for it).
 */
export const DATABASE_KINDS: ('pglite' | 'postgres')[] = process.env.TEST_DATABASE_URL
	? ['pglite', 'postgres']
	: ['pglite'];

/** Opens a fresh, migrated database of the given kind; PostgreSQL gets its own throwaway database. */
export async function openTestDatabase(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
	if (kind === 'pglite') {
		const handle = await openDatabase({ memory: true });
		await migrateToLatest(handle.db);
		await syncCompactMemberships(handle.db);
		return { kind, db: handle.db, handle, close: () => handle.close() };
	}
	const adminUrl = process.env.TEST_DATABASE_URL;
	if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
	const name = `anyvisit_t_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
	await migrateToLatest(handle.db);
	await syncCompactMemberships(handle.db);
	return {
		kind,
		db: handle.db,
		handle,
		async close() {
			await handle.close();
			const cleanup = new pg.Client({ connectionString: adminUrl });
			await cleanup.connect();
			await cleanup.query(`drop database if exists ${name} with (force)`);
			await cleanup.end();
		}
	};
}

/** Empties every application table between tests (keeps the migrations table). */
export async function truncateAll(db: Db): Promise<void> {
	await sql`truncate table ehr_links, ivr_calls, license_expiry_notices, inbound_sms, sms_opt_outs, appointment_messages, booking_idempotency, appointments, availability_exceptions, availability_templates, clinician_visit_types, visit_types, sign_in_failures, sessions, staff_recovery_codes, staff_invitations, staff_credentials, dev_outbox_messages, outbox, patient_contacts, patients, data_keys, licenses, staff, organizations restart identity cascade`.execute(
		db
	);
	// The audit log refuses TRUNCATE by trigger; a test reset is the one place that lifts it.
	await sql`alter table audit_log disable trigger user`.execute(db);
	await sql`truncate table audit_log, audit_head`.execute(db);
	await sql`alter table audit_log enable trigger user`.execute(db);
}

/**
 * Opens one database of `kind` for the enclosing describe block (a fresh PGlite costs seconds) and,
 * unless `keep` is set, empties it before each test. Returns a getter for the open database.
 */
export function useTestDatabase(
	kind: 'pglite' | 'postgres',
	options: { keep?: boolean } = {}
): () => TestDatabase {
	let current: TestDatabase | undefined;
	beforeAll(async () => {
		current = await openTestDatabase(kind);
	});
	afterAll(async () => {
		await current?.close();
	});
	if (!options.keep) {
		beforeEach(async () => {
			await truncateAll(current!.db);
		});
	}
	return () => {
		if (!current) throw new Error('the test database is not open yet');
		return current;
	};
}
