import { sql, type Kysely } from 'kysely';

// How long before a visit each reminder goes out, per clinic (minutes; the scheduling issue's default
// is 72 h, 24 h and 1 h). At most six reminders, none more than 14 days ahead or under 5 minutes.
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		alter table organizations add column reminder_offsets_minutes integer[] not null
			default '{4320,1440,60}'
			check (
				cardinality(reminder_offsets_minutes) <= 6
				and 5 <= all (reminder_offsets_minutes)
				and 20160 >= all (reminder_offsets_minutes)
			)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`alter table organizations drop column if exists reminder_offsets_minutes`.execute(db);
}
