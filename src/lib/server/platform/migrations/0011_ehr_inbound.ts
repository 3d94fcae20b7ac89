import { sql, type Kysely } from 'kysely';

// Changes made in the EHR coming back: what AnyVisit last wrote or accepted of each appointment (its
// status and times, to tell an EHR-side change from AnyVisit's own), how far the EHR has been read
// (the EHR's own lastUpdated, so the two clocks never need to agree), and the changes that clash with
// AnyVisit's, kept for staff to decide (at most one open per appointment).
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`alter table ehr_links add column synced_state text`.execute(db);
	await sql`
		create table ehr_sync_cursors (
			name text primary key,
			read_until timestamptz not null
		)`.execute(db);
	await sql`
		create table ehr_conflicts (
			id uuid primary key default gen_random_uuid(),
			organization_id uuid not null references organizations (id),
			appointment_id uuid not null references appointments (id),
			ehr_id text not null,
			ehr_version text,
			ehr_status text not null,
			ehr_start timestamptz,
			ehr_end timestamptz,
			detected_at timestamptz not null,
			resolved_at timestamptz,
			resolved_by uuid references staff (id),
			resolution text check (resolution in ('kept_anyvisit', 'took_ehr')),
			check ((resolved_at is null) = (resolution is null))
		)`.execute(db);
	await sql`create unique index ehr_conflicts_open on ehr_conflicts (appointment_id) where resolved_at is null`.execute(
		db
	);
	await sql`create index ehr_conflicts_by_organization on ehr_conflicts (organization_id, detected_at)`.execute(
		db
	);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists ehr_conflicts`.execute(db);
	await sql`drop table if exists ehr_sync_cursors`.execute(db);
	await sql`alter table ehr_links drop column if exists synced_state`.execute(db);
}
