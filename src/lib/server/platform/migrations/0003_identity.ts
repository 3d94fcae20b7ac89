import { sql, type Kysely } from 'kysely';

// Identity: staff credentials (Argon2id password, sealed TOTP key), sessions (only a SHA-256 hash of
// each token's secret), and sign-in failures for rate limits shared by every app instance.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table staff_credentials (
			staff_id uuid primary key references staff (id) on delete cascade,
			password_hash text not null,
			data_key_id uuid not null references data_keys (id),
			totp_key_enc text,
			totp_enrolled_at timestamptz,
			-- The newest TOTP time step accepted: a code is accepted once (RFC 6238 section 5.2).
			totp_last_step bigint not null default 0,
			updated_at timestamptz not null
		)`.execute(db);

	await sql`
		create table sessions (
			id text primary key,
			secret_hash text not null,
			subject_kind text not null check (subject_kind in ('staff', 'patient')),
			staff_id uuid references staff (id) on delete cascade,
			patient_id uuid references patients (id) on delete cascade,
			organization_id uuid not null references organizations (id),
			created_at timestamptz not null,
			last_active_at timestamptz not null,
			expires_at timestamptz not null,
			idle_timeout_seconds integer not null check (idle_timeout_seconds > 0),
			check ((subject_kind = 'staff') = (staff_id is not null)),
			check ((subject_kind = 'patient') = (patient_id is not null))
		)`.execute(db);
	await sql`create index sessions_staff on sessions (staff_id)`.execute(db);
	await sql`create index sessions_patient on sessions (patient_id)`.execute(db);
	await sql`create index sessions_expiry on sessions (expires_at)`.execute(db);

	await sql`
		create table sign_in_failures (
			id bigint generated always as identity primary key,
			limit_key text not null,
			at timestamptz not null
		)`.execute(db);
	await sql`create index sign_in_failures_key on sign_in_failures (limit_key, at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists sign_in_failures`.execute(db);
	await sql`drop table if exists sessions`.execute(db);
	await sql`drop table if exists staff_credentials`.execute(db);
}
