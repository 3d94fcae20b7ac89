import type { Kysely } from 'kysely';
import type { Database } from '../platform/schema';

export type Organization = {
	id: string;
	name: string;
	timeZone: string;
	reminderOffsetsMinutes: number[];
	/** How long before a visit its check-in opens. */
	checkInOpensMinutes: number;
};

export async function readOrganization(db: Kysely<Database>, id: string): Promise<Organization> {
	const row = await db
		.selectFrom('organizations')
		.select(['id', 'name', 'time_zone', 'reminder_offsets_minutes', 'check_in_opens_minutes'])
		.where('id', '=', id)
		.executeTakeFirstOrThrow();
	return {
		id: row.id,
		name: row.name,
		timeZone: row.time_zone,
		reminderOffsetsMinutes: row.reminder_offsets_minutes,
		checkInOpensMinutes: row.check_in_opens_minutes
	};
}
