import { sql, type Kysely } from 'kysely';

// Insurance: a patient's coverage (payer, and the member id, group and subscriber sealed: PHI), each
// eligibility check with what the payer answered (the outcome and telehealth benefit in the clear for
// staff lists, the raw 271 sealed), and the interchange control numbers X12 needs to be unique.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table coverages (
			patient_id uuid primary key references patients (id),
			organization_id uuid not null references organizations (id),
			payer_id text not null,
			data_key_id uuid not null references data_keys (id),
			member_id_enc text not null,
			group_number_enc text,
			updated_at timestamptz not null,
			updated_by uuid references staff (id)
		)`.execute(db);
	await sql`
		create table eligibility_checks (
			id uuid primary key,
			organization_id uuid not null references organizations (id),
			patient_id uuid not null references patients (id),
			appointment_id uuid references appointments (id),
			payer_id text not null,
			date_of_service date not null,
			outcome text not null check (outcome in ('active', 'inactive', 'not_found', 'unreadable')),
			telehealth text not null check (telehealth in ('covered', 'not_covered', 'unknown')),
			copay_cents integer,
			reason text,
			data_key_id uuid not null references data_keys (id),
			answer_enc text not null,
			checked_at timestamptz not null,
			checked_by uuid references staff (id)
		)`.execute(db);
	await sql`create index eligibility_checks_by_appointment on eligibility_checks (appointment_id, checked_at)`.execute(
		db
	);
	await sql`create sequence x12_interchange_control maxvalue 999999999 cycle`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop sequence if exists x12_interchange_control`.execute(db);
	await sql`drop table if exists eligibility_checks`.execute(db);
	await sql`drop table if exists coverages`.execute(db);
}
