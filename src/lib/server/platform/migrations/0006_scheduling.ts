import { sql, type Kysely } from 'kysely';

// Scheduling: visit types, who offers them, weekly availability with exceptions, appointments that
// cannot overlap (an exclusion constraint, so the database itself refuses a double booking), booking
// idempotency keys, and the interstate compacts as dated data for the licensure gate.
export async function up(db: Kysely<unknown>): Promise<void> {
	// Trusted since PostgreSQL 13: a database owner may create it. PGlite loads it as a contrib extension.
	await sql`create extension if not exists btree_gist`.execute(db);

	// Florida (Fla. Stat. 456.47) and Arizona (A.R.S. 36-3606) register out-of-state telehealth
	// providers instead of licensing them: a registration covers telehealth only.
	await sql`alter table licenses drop constraint licenses_pathway_check`.execute(db);
	await sql`
		alter table licenses add constraint licenses_pathway_check
		check (pathway in ('state', 'imlc', 'nlc', 'psypact', 'registration'))`.execute(db);

	await sql`
		create table visit_types (
			id uuid primary key default gen_random_uuid(),
			organization_id uuid not null references organizations (id),
			code text not null check (code ~ '^[a-z][a-z0-9-]{1,39}$'),
			service text not null check (service in ('medical', 'behavioral', 'nursing')),
			duration_minutes integer not null check (duration_minutes between 5 and 240),
			buffer_minutes integer not null default 0 check (buffer_minutes between 0 and 120),
			modalities text[] not null check (
				cardinality(modalities) > 0
				and modalities <@ array['video', 'audio', 'phone', 'in_person']::text[]
			),
			active boolean not null default true,
			unique (organization_id, code)
		)`.execute(db);

	await sql`
		create table clinician_visit_types (
			staff_id uuid not null references staff (id) on delete cascade,
			visit_type_id uuid not null references visit_types (id) on delete cascade,
			primary key (staff_id, visit_type_id)
		)`.execute(db);

	// Wall-clock hours in the clinician's time zone (staff.time_zone); ISO weekday, 1 = Monday.
	await sql`
		create table availability_templates (
			id uuid primary key default gen_random_uuid(),
			staff_id uuid not null references staff (id) on delete cascade,
			weekday smallint not null check (weekday between 1 and 7),
			start_time time not null,
			end_time time not null check (end_time > start_time),
			modalities text[] not null check (
				cardinality(modalities) > 0
				and modalities <@ array['video', 'audio', 'phone', 'in_person']::text[]
			),
			valid_from date not null,
			valid_until date check (valid_until is null or valid_until >= valid_from)
		)`.execute(db);
	await sql`create index availability_templates_staff on availability_templates (staff_id)`.execute(db);

	await sql`
		create table availability_exceptions (
			id uuid primary key default gen_random_uuid(),
			staff_id uuid not null references staff (id) on delete cascade,
			starts_at timestamptz not null,
			ends_at timestamptz not null check (ends_at > starts_at),
			kind text not null check (kind in ('unavailable', 'available')),
			modalities text[] check (
				modalities is null
				or modalities <@ array['video', 'audio', 'phone', 'in_person']::text[]
			),
			reason text
		)`.execute(db);
	await sql`create index availability_exceptions_staff on availability_exceptions (staff_id, starts_at)`.execute(
		db
	);

	await sql`
		create table appointments (
			id uuid primary key,
			organization_id uuid not null references organizations (id),
			patient_id uuid not null references patients (id),
			clinician_id uuid not null references staff (id),
			visit_type_id uuid not null references visit_types (id),
			modality text not null check (modality in ('video', 'audio', 'phone', 'in_person')),
			-- Where the patient will be during the visit: the licensure gate's state.
			patient_state char(2) not null check (patient_state ~ '^[A-Z]{2}$'),
			starts_at timestamptz not null,
			ends_at timestamptz not null,
			-- The end plus the visit type's buffer: the clinician's time the visit takes up.
			blocked_until timestamptz not null,
			status text not null check (status in ('booked', 'confirmed', 'cancelled', 'completed', 'no_show')),
			booked_by_kind text not null,
			booked_by_id uuid,
			confirmed_at timestamptz,
			cancelled_at timestamptz,
			cancel_reason text,
			reschedule_count integer not null default 0,
			created_at timestamptz not null,
			updated_at timestamptz not null,
			check (ends_at > starts_at),
			check (blocked_until >= ends_at),
			constraint appointments_clinician_free exclude using gist (
				clinician_id with =,
				tstzrange(starts_at, blocked_until) with &&
			) where (status in ('booked', 'confirmed')),
			constraint appointments_patient_free exclude using gist (
				patient_id with =,
				tstzrange(starts_at, ends_at) with &&
			) where (status in ('booked', 'confirmed'))
		)`.execute(db);
	await sql`create index appointments_patient on appointments (patient_id, starts_at)`.execute(db);
	await sql`create index appointments_org_time on appointments (organization_id, starts_at)`.execute(db);

	// A retried booking with the same key gets the same appointment, never a second one.
	await sql`
		create table booking_idempotency (
			scope text not null,
			key text not null,
			request_hash text not null,
			appointment_id uuid not null references appointments (id),
			created_at timestamptz not null,
			primary key (scope, key)
		)`.execute(db);

	// Compact membership as data with an as-of date (DOMAIN.md, Licensure): NLC multistate RN
	// privilege and PSYPACT telepsychology authority hold only in states that are members on the date.
	await sql`
		create table compact_memberships (
			compact text not null check (compact in ('nlc', 'psypact')),
			state char(2) not null check (state ~ '^[A-Z]{2}$'),
			effective_from date not null,
			effective_until date,
			as_of date not null,
			primary key (compact, state, effective_from)
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const table of [
		'compact_memberships',
		'booking_idempotency',
		'appointments',
		'availability_exceptions',
		'availability_templates',
		'clinician_visit_types',
		'visit_types'
	]) {
		await sql`drop table if exists ${sql.table(table)}`.execute(db);
	}
}
