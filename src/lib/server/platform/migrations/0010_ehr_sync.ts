import { sql, type Kysely } from 'kysely';

// The EHR side of things: a patient's medical record number at the clinic (sealed, it is PHI), a
// clinician's NPI, and which EHR resource each patient, clinician and appointment is (its id and the
// version last written, for If-Match), so a sync updates the same resource instead of creating another.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`alter table patients add column mrn_enc text`.execute(db);
	await sql`alter table staff add column npi text check (npi ~ '^[0-9]{10}$')`.execute(db);
	await sql`
		create table ehr_links (
			local_type text not null check (local_type in ('patient', 'staff', 'appointment')),
			local_id uuid not null,
			ehr_type text not null,
			ehr_id text not null,
			version_id text,
			synced_at timestamptz not null,
			primary key (local_type, local_id)
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists ehr_links`.execute(db);
	await sql`alter table staff drop column if exists npi`.execute(db);
	await sql`alter table patients drop column if exists mrn_enc`.execute(db);
}
