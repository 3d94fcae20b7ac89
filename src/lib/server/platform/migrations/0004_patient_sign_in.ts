import { sql, type Kysely } from 'kysely';

// Patient sign-in without a password: a one-time code, stored only as a hash, single use, 10 minutes.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table sign_in_challenges (
			id uuid primary key,
			-- Null when no single patient matched the phone or email: answered exactly the same way.
			patient_id uuid references patients (id) on delete cascade,
			code_hash text not null,
			expires_at timestamptz not null,
			used_at timestamptz,
			attempts integer not null default 0,
			created_at timestamptz not null
		)`.execute(db);
	await sql`create index sign_in_challenges_expiry on sign_in_challenges (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists sign_in_challenges`.execute(db);
}
