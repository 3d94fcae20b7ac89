import { sql, type Kysely } from 'kysely';

// The readiness check of a visit: what the patient's device and connection could do, the modality
// recommended and the one the patient accepted, and a code to give the phone line if they call in.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table readiness_checks (
			appointment_id uuid primary key references appointments (id),
			browser_supported boolean not null,
			camera text not null check (camera in ('ok', 'missing', 'denied')),
			microphone text not null check (microphone in ('ok', 'missing', 'denied')),
			speaker_heard boolean,
			downlink_kbps integer not null check (downlink_kbps >= 0),
			rtt_ms integer not null check (rtt_ms >= 0),
			recommendation text not null check (recommendation in ('video', 'audio', 'phone')),
			accepted text check (accepted in ('video', 'audio', 'phone')),
			visit_code text not null unique check (visit_code ~ '^[0-9]{6}$'),
			checked_at timestamptz not null
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists readiness_checks`.execute(db);
}
