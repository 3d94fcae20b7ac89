import { sql, type Kysely } from 'kysely';

// A visit's claim as the biller approved it: the coding sent, what AnyVisit suggested, and the reason
// when the biller changed the suggestion or approved despite a warning (sealed: it may name the patient).
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table claims (
			id uuid primary key,
			appointment_id uuid not null unique references appointments (id),
			organization_id uuid not null references organizations (id),
			status text not null check (status in ('approved')),
			service_code text not null,
			modifiers jsonb not null,
			pos text not null check (pos ~ '^[0-9]{2}$'),
			suggested jsonb,
			data_key_id uuid not null references data_keys (id),
			override_reason_enc text,
			approved_by uuid not null references staff (id),
			approved_at timestamptz not null
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists claims`.execute(db);
}
