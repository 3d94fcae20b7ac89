import { sql, type Kysely } from 'kysely';

// The visit itself (ARCHITECTURE.md, "The visit, end to end"): the waiting room and the encounter of an
// appointment, its modality timeline, its chat, its guests, the browser connections taking part, and
// an append-only event log that the room's Server-Sent Events follow (NOTIFY only wakes them).
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table visits (
			appointment_id uuid primary key references appointments (id),
			organization_id uuid not null references organizations (id),
			status text not null check (status in ('waiting', 'in_progress', 'ended')),
			waiting_since timestamptz not null,
			started_at timestamptz,
			started_by uuid references staff (id),
			ended_at timestamptz,
			ended_by_kind text,
			ended_by_id text,
			recording boolean not null default false,
			-- Live captions asked for by someone in the visit (each browser captions its own speech).
			captions boolean not null default false,
			check (status = 'waiting' or started_at is not null),
			check (status <> 'ended' or ended_at is not null)
		)`.execute(db);
	await sql`create index visits_waiting on visits (organization_id, status, waiting_since)`.execute(db);

	// A visit is a timeline of modality segments (ARCHITECTURE.md principle 2); at most one is open.
	await sql`
		create table visit_segments (
			id uuid primary key,
			appointment_id uuid not null references visits (appointment_id),
			modality text not null check (modality in ('video', 'audio', 'phone')),
			started_at timestamptz not null,
			ended_at timestamptz,
			started_by_kind text not null check (started_by_kind in ('staff', 'patient', 'system')),
			started_by_id text,
			reason text not null,
			check (ended_at is null or ended_at >= started_at)
		)`.execute(db);
	await sql`create index visit_segments_order on visit_segments (appointment_id, started_at)`.execute(db);
	await sql`
		create unique index visit_segments_one_open on visit_segments (appointment_id)
		where ended_at is null`.execute(db);

	await sql`
		create table visit_guests (
			id uuid primary key,
			appointment_id uuid not null references visits (appointment_id),
			role text not null check (role in ('interpreter', 'caregiver', 'clinician')),
			name_enc text not null,
			contact_enc text not null,
			channel text not null check (channel in ('sms', 'email')),
			language text not null,
			data_key_id uuid not null,
			link_hash text not null unique,
			session_hash text unique,
			status text not null check (status in ('invited', 'waiting', 'admitted', 'declined', 'removed')),
			invited_by_kind text not null,
			invited_by_id text not null,
			invited_at timestamptz not null,
			admitted_at timestamptz
		)`.execute(db);
	await sql`create index visit_guests_visit on visit_guests (appointment_id)`.execute(db);

	await sql`
		create table visit_chat_messages (
			id uuid primary key,
			-- The order messages were sent in, even within one clock tick.
			seq bigint generated always as identity,
			appointment_id uuid not null references visits (appointment_id),
			sender_kind text not null check (sender_kind in ('staff', 'patient', 'guest')),
			sender_id text not null,
			body_enc text not null,
			data_key_id uuid not null,
			sent_at timestamptz not null
		)`.execute(db);
	await sql`create index visit_chat_order on visit_chat_messages (appointment_id, seq)`.execute(db);

	// One row per open browser page in the room (a second tab takes over from the first).
	await sql`
		create table visit_connections (
			id uuid primary key,
			appointment_id uuid not null references visits (appointment_id),
			participant text not null,
			opened_at timestamptz not null,
			seen_at timestamptz not null,
			closed_at timestamptz,
			closed_reason text
		)`.execute(db);
	await sql`
		create index visit_connections_open on visit_connections (appointment_id)
		where closed_at is null`.execute(db);

	// What happened in a room, in order; `recipient` addresses one connection (WebRTC signalling).
	await sql`
		create table visit_events (
			id bigint generated always as identity primary key,
			appointment_id uuid not null references visits (appointment_id),
			type text not null,
			recipient uuid,
			payload jsonb not null,
			created_at timestamptz not null
		)`.execute(db);
	await sql`create index visit_events_follow on visit_events (appointment_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const table of [
		'visit_events',
		'visit_connections',
		'visit_chat_messages',
		'visit_guests',
		'visit_segments',
		'visits'
	]) {
		await sql`drop table if exists ${sql.table(table)}`.execute(db);
	}
}
