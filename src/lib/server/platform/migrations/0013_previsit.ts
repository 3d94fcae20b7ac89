import { sql, type Kysely } from 'kysely';

// Before the visit: the patient's check-in (where they are now, a callback number, language and
// accommodations, and whether the clinician may practise there), consent templates versioned per
// kind, language and state, and the consents given (electronic, or verbal attested by a clinician or
// taken by the phone IVR), each bound to the exact text by its hash.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		alter table organizations add column check_in_opens_minutes integer not null default 1440
			check (check_in_opens_minutes between 5 and 10080)`.execute(db);
	await sql`
		create table check_ins (
			appointment_id uuid primary key references appointments (id),
			patient_id uuid not null references patients (id),
			data_key_id uuid not null references data_keys (id),
			location_state text not null check (location_state ~ '^[A-Z]{2}$'),
			location_setting text not null check (location_setting in ('home', 'facility')),
			callback_phone_enc text not null,
			language text not null,
			accommodations_enc text not null,
			licensure_allowed boolean not null,
			licensure_reason text,
			submitted_at timestamptz not null,
			updated_at timestamptz not null
		)`.execute(db);
	await sql`
		create table consent_templates (
			id uuid primary key default gen_random_uuid(),
			organization_id uuid not null references organizations (id),
			kind text not null check (kind in ('telehealth', 'recording')),
			language text not null,
			state text check (state ~ '^[A-Z]{2}$'),
			version integer not null check (version > 0),
			title text not null,
			body text not null,
			content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
			effective_from timestamptz not null,
			created_at timestamptz not null default now()
		)`.execute(db);
	await sql`
		create unique index consent_templates_version
			on consent_templates (organization_id, kind, language, coalesce(state, ''), version)`.execute(db);
	await sql`
		create table consents (
			id uuid primary key default gen_random_uuid(),
			organization_id uuid not null references organizations (id),
			patient_id uuid not null references patients (id),
			appointment_id uuid references appointments (id),
			template_id uuid not null references consent_templates (id),
			kind text not null check (kind in ('telehealth', 'recording')),
			method text not null check (method in ('electronic', 'verbal_clinician', 'verbal_ivr')),
			data_key_id uuid not null references data_keys (id),
			signer_name_enc text not null,
			given_at timestamptz not null,
			expires_at timestamptz not null,
			ip text,
			user_agent text,
			attested_by uuid references staff (id),
			revoked_at timestamptz,
			check ((method = 'verbal_clinician') = (attested_by is not null))
		)`.execute(db);
	await sql`create index consents_by_patient on consents (patient_id, kind, given_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists consents`.execute(db);
	await sql`drop table if exists consent_templates`.execute(db);
	await sql`drop table if exists check_ins`.execute(db);
	await sql`alter table organizations drop column if exists check_in_opens_minutes`.execute(db);
}
