import { sql, type Kysely } from 'kysely';

// The clinician's note of a visit: a draft until signed, then never edited (corrections are signed
// addenda naming the note). The text is PHI, sealed with the patient's data key.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table visit_notes (
			id uuid primary key,
			appointment_id uuid not null references appointments (id),
			organization_id uuid not null references organizations (id),
			patient_id uuid not null references patients (id),
			author_id uuid not null references staff (id),
			kind text not null check (kind in ('note', 'addendum')),
			parent_id uuid references visit_notes (id),
			status text not null check (status in ('draft', 'signed')),
			data_key_id uuid not null references data_keys (id),
			-- Draft sections (SOAP and the patient's summary) as sealed JSON; the signed text as sealed text.
			sections_enc text not null,
			text_enc text,
			signed_at timestamptz,
			created_at timestamptz not null,
			updated_at timestamptz not null,
			check ((kind = 'addendum') = (parent_id is not null)),
			check (status = 'draft' or (text_enc is not null and signed_at is not null))
		)`.execute(db);
	await sql`create unique index visit_notes_one_per_visit on visit_notes (appointment_id) where kind = 'note'`.execute(
		db
	);
	await sql`create index visit_notes_addenda on visit_notes (parent_id) where parent_id is not null`.execute(
		db
	);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists visit_notes`.execute(db);
}
