import { sql, type Kysely } from 'kysely';

// The phone line: each call's place in the IVR, keyed by Twilio's CallSid so that any app instance
// can answer its next webhook; and the call a verbal consent was given on.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table ivr_calls (
			call_sid text primary key check (call_sid ~ '^CA[0-9a-f]{32}$'),
			state jsonb not null,
			-- The last webhook answered (its step and digits) and the TwiML given, for Twilio's retries.
			last_request text,
			last_answer text,
			started_at timestamptz not null,
			updated_at timestamptz not null
		)`.execute(db);
	await sql`alter table consents add column call_sid text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`alter table consents drop column if exists call_sid`.execute(db);
	await sql`drop table if exists ivr_calls`.execute(db);
}
