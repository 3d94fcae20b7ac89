import { sql, type Kysely } from 'kysely';

// Calls AnyVisit places into a running visit's conference: to the patient when the visit moves to the
// phone ("call me instead", "call the patient"), to the clinician's own phone, and to an interpreter service. Each is keyed by its
// own id in the webhook URLs, so a status callback that beats the CallSid back is still understood.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table visit_phone_legs (
			id uuid primary key,
			appointment_id uuid not null references visits (appointment_id),
			role text not null check (role in ('patient', 'clinician', 'interpreter')),
			-- The language the call speaks (the patient's, the clinician's page, or the one interpreted).
			language text not null,
			call_sid text unique check (call_sid ~ '^CA[0-9a-f]{32}$'),
			status text not null check (status in ('dialing', 'ringing', 'answered', 'ended', 'failed')),
			-- Twilio's last CallStatus for a call that did not connect (busy, no-answer, failed, canceled).
			outcome text,
			reason text not null,
			requested_by_kind text not null check (requested_by_kind in ('staff', 'patient')),
			requested_by_id text not null,
			on_line boolean not null default false,
			muted boolean not null default false,
			created_at timestamptz not null,
			answered_at timestamptz,
			ended_at timestamptz
		)`.execute(db);
	// One live call per visit and role: pressing "call me" twice dials once.
	await sql`
		create unique index visit_phone_legs_live on visit_phone_legs (appointment_id, role)
		where status in ('dialing', 'ringing', 'answered')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists visit_phone_legs`.execute(db);
}
