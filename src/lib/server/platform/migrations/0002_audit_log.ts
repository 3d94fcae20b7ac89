import { sql, type Kysely } from 'kysely';

// HIPAA 45 CFR 164.312(b) audit controls and (c)(1) integrity: an append-only, hash-chained log.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table audit_log (
			seq bigint primary key check (seq > 0),
			occurred_at timestamptz not null,
			actor_kind text not null,
			actor_id text,
			organization_id uuid,
			action text not null,
			resource_type text not null,
			resource_id text,
			outcome text not null check (outcome in ('success', 'failure', 'denied')),
			ip text,
			user_agent text,
			purpose text,
			request_id text,
			details text not null default '{}',
			prev_hash text not null,
			hash text not null unique
		)`.execute(db);
	await sql`create index audit_log_resource on audit_log (resource_type, resource_id)`.execute(db);
	await sql`create index audit_log_actor on audit_log (actor_kind, actor_id, occurred_at desc)`.execute(db);
	await sql`create index audit_log_time on audit_log (occurred_at desc)`.execute(db);

	// The chain's head, written in the same transaction as each entry: removing the newest entries
	// leaves the head pointing past the end, which verification reports.
	await sql`
		create table audit_head (
			singleton boolean primary key default true check (singleton),
			seq bigint not null,
			hash text not null
		)`.execute(db);

	await sql`
		create function audit_log_append_only() returns trigger language plpgsql as $$
		begin
			raise exception 'audit_log is append-only';
		end
		$$`.execute(db);
	await sql`
		create trigger audit_log_no_change before update or delete on audit_log
		for each row execute function audit_log_append_only()`.execute(db);
	await sql`
		create trigger audit_log_no_truncate before truncate on audit_log
		for each statement execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists audit_head`.execute(db);
	await sql`drop table if exists audit_log`.execute(db);
	await sql`drop function if exists audit_log_append_only()`.execute(db);
}
