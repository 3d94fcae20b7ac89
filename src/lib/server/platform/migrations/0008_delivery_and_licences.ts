import { sql, type Kysely } from 'kysely';

// Delivery status from Twilio's callbacks (the provider's own word, and its error code when a text or
// call failed) beside each appointment message; licence records that staff edit and import; and the
// expiry warnings already sent, so each threshold (60, 30, 7 days) warns once per licence.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`alter table appointment_messages add column provider_status text`.execute(db);
	await sql`alter table appointment_messages add column provider_error text`.execute(db);
	await sql`
		create index appointment_messages_provider on appointment_messages (channel, provider_id)
		where provider_id is not null`.execute(db);

	await sql`alter table licenses add column updated_at timestamptz not null default now()`.execute(db);
	await sql`
		create table license_expiry_notices (
			license_id uuid not null references licenses (id) on delete cascade,
			threshold_days integer not null check (threshold_days > 0),
			expires_on date not null,
			sent_at timestamptz not null,
			primary key (license_id, threshold_days, expires_on)
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists license_expiry_notices`.execute(db);
	await sql`alter table licenses drop column if exists updated_at`.execute(db);
	await sql`drop index if exists appointment_messages_provider`.execute(db);
	await sql`alter table appointment_messages drop column if exists provider_error`.execute(db);
	await sql`alter table appointment_messages drop column if exists provider_status`.execute(db);
}
