import { sql, type Kysely } from 'kysely';

// Intake answers, one response per visit and questionnaire, sealed (they are PHI). The browser's
// submission id makes a retried or queued submission land once; the screener score and the PHQ-9
// item 9 alert are kept in the clear so the clinic can be told at once without opening the answers.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table intake_responses (
			id uuid primary key,
			organization_id uuid not null references organizations (id),
			appointment_id uuid not null references appointments (id),
			patient_id uuid not null references patients (id),
			questionnaire text not null,
			submission_id uuid not null unique,
			data_key_id uuid not null references data_keys (id),
			answers_enc text not null,
			score integer,
			severity text,
			self_harm_alert boolean not null default false,
			submitted_at timestamptz not null,
			unique (appointment_id, questionnaire)
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists intake_responses`.execute(db);
}
