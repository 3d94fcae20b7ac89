import { sql, type Kysely } from 'kysely';

// Staff enrolment: an admin's invitation (only a SHA-256 hash of its link token stored, the TOTP key
// to enrol sealed), single-use recovery codes (hashes only), and a session hold for live visits.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table staff_invitations (
			id uuid primary key,
			staff_id uuid not null references staff (id) on delete cascade,
			token_hash text not null unique,
			data_key_id uuid not null references data_keys (id),
			totp_key_enc text not null,
			invited_by uuid references staff (id),
			created_at timestamptz not null,
			expires_at timestamptz not null,
			accepted_at timestamptz,
			revoked_at timestamptz
		)`.execute(db);
	await sql`create index staff_invitations_staff on staff_invitations (staff_id)`.execute(db);

	await sql`
		create table staff_recovery_codes (
			id bigint generated always as identity primary key,
			staff_id uuid not null references staff (id) on delete cascade,
			code_hash text not null,
			created_at timestamptz not null,
			used_at timestamptz,
			unique (staff_id, code_hash)
		)`.execute(db);

	// While a live visit keeps this in the future, neither the idle timeout nor the absolute expiry
	// ends the session: a clinician or patient is never signed out mid-visit.
	await sql`alter table sessions add column held_until timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`alter table sessions drop column if exists held_until`.execute(db);
	await sql`drop table if exists staff_recovery_codes`.execute(db);
	await sql`drop table if exists staff_invitations`.execute(db);
}
