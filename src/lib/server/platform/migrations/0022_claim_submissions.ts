import { sql, type Kysely } from 'kysely';

// Approved claims go out: the clinic's billing identity (837P loop 2010AA), the diagnoses the biller
// approved, the claim's own number (CLM01), and what was sent (the 837P interchange and the FHIR Claim,
// sealed: they name the patient), kept for download and for a retry to resend the same interchange.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		alter table organizations
			add column billing_npi text check (billing_npi ~ '^[0-9]{10}$'),
			add column tax_id text check (tax_id ~ '^[0-9]{9}$'),
			add column billing_address jsonb,
			add column billing_phone text`.execute(db);
	await sql`alter table claims drop constraint claims_status_check`.execute(db);
	await sql`
		alter table claims
			add constraint claims_status_check check (status in ('approved', 'submitted')),
			add column diagnoses jsonb not null default '[]',
			add column claim_number text unique,
			add column submitted_at timestamptz`.execute(db);
	await sql`alter table outbox drop constraint outbox_channel_check`.execute(db);
	await sql`
		alter table outbox add constraint outbox_channel_check
			check (channel in ('sms', 'email', 'voice', 'fhir', 'hl7v2', 'claims'))`.execute(db);
	await sql`create sequence claim_interchange_seq minvalue 1 maxvalue 999999999 cycle`.execute(db);
	await sql`
		create table claim_submissions (
			claim_id uuid primary key references claims (id),
			organization_id uuid not null references organizations (id),
			interchange integer not null,
			data_key_id uuid not null references data_keys (id),
			x12_enc text not null,
			fhir_enc text not null,
			created_at timestamptz not null,
			receipt text
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists claim_submissions`.execute(db);
	await sql`drop sequence if exists claim_interchange_seq`.execute(db);
	await sql`alter table outbox drop constraint outbox_channel_check`.execute(db);
	await sql`
		alter table outbox add constraint outbox_channel_check
			check (channel in ('sms', 'email', 'voice', 'fhir', 'hl7v2'))`.execute(db);
	await sql`
		alter table claims drop constraint claims_status_check,
			drop column diagnoses, drop column claim_number, drop column submitted_at`.execute(db);
	await sql`alter table claims add constraint claims_status_check check (status in ('approved'))`.execute(db);
	await sql`
		alter table organizations drop column billing_npi, drop column tax_id,
			drop column billing_address, drop column billing_phone`.execute(db);
}
