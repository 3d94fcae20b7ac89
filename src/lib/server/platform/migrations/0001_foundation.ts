import { sql, type Kysely } from 'kysely';

// Plain SQL so that PGlite and PostgreSQL run exactly the same statements.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table organizations (
			id uuid primary key default gen_random_uuid(),
			name text not null,
			time_zone text not null,
			created_at timestamptz not null default now()
		)`.execute(db);

	await sql`
		create table staff (
			id uuid primary key default gen_random_uuid(),
			organization_id uuid not null references organizations (id),
			email text not null,
			display_name text not null,
			roles text[] not null check (
				cardinality(roles) > 0
				and roles <@ array['admin', 'clinician', 'nurse', 'scheduler', 'biller']::text[]
			),
			credential text,
			languages text[] not null default '{}',
			preferred_language text not null default 'en',
			time_zone text not null,
			active boolean not null default true,
			created_at timestamptz not null default now()
		)`.execute(db);
	await sql`create unique index staff_email_unique on staff (lower(email))`.execute(db);

	await sql`
		create table licenses (
			id uuid primary key default gen_random_uuid(),
			staff_id uuid not null references staff (id),
			state char(2) not null check (state ~ '^[A-Z]{2}$'),
			credential text not null,
			number text not null,
			status text not null check (status in ('active', 'inactive', 'expired', 'suspended', 'revoked')),
			pathway text not null check (pathway in ('state', 'imlc', 'nlc', 'psypact')),
			issued_on date not null,
			expires_on date not null check (expires_on > issued_on),
			created_at timestamptz not null default now(),
			unique (staff_id, state, credential, pathway)
		)`.execute(db);

	// PHI is stored sealed with a per-record data key (see platform/crypto); *_hmac columns are keyed
	// blind indexes for lookups by phone or email, never plaintext.
	await sql`
		create table data_keys (
			id uuid primary key default gen_random_uuid(),
			kek_id text not null,
			wrapped_key text not null,
			created_at timestamptz not null default now()
		)`.execute(db);
	await sql`create index data_keys_kek on data_keys (kek_id)`.execute(db);

	await sql`
		create table patients (
			id uuid primary key default gen_random_uuid(),
			organization_id uuid not null references organizations (id),
			data_key_id uuid not null references data_keys (id),
			given_name_enc text not null,
			family_name_enc text not null,
			birth_date_enc text not null,
			phone_enc text,
			phone_hmac text,
			phone_kind text check (phone_kind in ('mobile', 'landline')),
			email_enc text,
			email_hmac text,
			accommodations_enc text not null,
			preferred_language text not null,
			contact_channel text not null check (contact_channel in ('sms', 'email', 'voice')),
			home_state char(2) not null check (home_state ~ '^[A-Z]{2}$'),
			time_zone text not null,
			created_at timestamptz not null default now(),
			check (phone_enc is not null or email_enc is not null),
			check ((phone_enc is null) = (phone_hmac is null) and (email_enc is null) = (email_hmac is null))
		)`.execute(db);
	await sql`create index patients_phone_hmac on patients (organization_id, phone_hmac)`.execute(db);
	await sql`create index patients_email_hmac on patients (organization_id, email_hmac)`.execute(db);

	await sql`
		create table patient_contacts (
			id uuid primary key default gen_random_uuid(),
			patient_id uuid not null references patients (id) on delete cascade,
			data_key_id uuid not null references data_keys (id),
			display_name_enc text not null,
			relationship text not null,
			phone_enc text,
			email_enc text,
			preferred_language text not null,
			may_join_visits boolean not null default false,
			created_at timestamptz not null default now()
		)`.execute(db);

	await sql`
		create table outbox (
			id uuid primary key default gen_random_uuid(),
			idempotency_key text not null unique,
			channel text not null check (channel in ('sms', 'email', 'voice', 'fhir', 'hl7v2')),
			organization_id uuid references organizations (id),
			-- The message (recipient, text) is PHI: sealed with its own data key, like any record.
			data_key_id uuid not null references data_keys (id),
			payload_enc text not null,
			status text not null default 'pending'
				check (status in ('pending', 'delivering', 'delivered', 'dead')),
			attempts integer not null default 0 check (attempts >= 0),
			max_attempts integer not null check (max_attempts > 0),
			next_attempt_at timestamptz not null,
			locked_until timestamptz,
			last_error text,
			retry_note text,
			created_at timestamptz not null,
			updated_at timestamptz not null,
			delivered_at timestamptz
		)`.execute(db);
	await sql`create index outbox_due on outbox (next_attempt_at) where status in ('pending', 'delivering')`.execute(
		db
	);
	await sql`create index outbox_dead on outbox (updated_at desc) where status = 'dead'`.execute(db);

	await sql`
		create table dev_outbox_messages (
			id uuid primary key default gen_random_uuid(),
			outbox_id uuid not null unique references outbox (id),
			channel text not null,
			data_key_id uuid not null references data_keys (id),
			recipient_enc text not null,
			subject_enc text,
			body_enc text not null,
			language text,
			created_at timestamptz not null
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const table of [
		'dev_outbox_messages',
		'outbox',
		'patient_contacts',
		'patients',
		'data_keys',
		'licenses',
		'staff',
		'organizations'
	]) {
		await sql`drop table if exists ${sql.table(table)}`.execute(db);
	}
}
