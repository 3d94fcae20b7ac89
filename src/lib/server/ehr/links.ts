import type { Kysely } from 'kysely';
import type { Database, EhrLinksTable } from '../platform/schema';

type Executor = Kysely<Database>;
export type LocalType = EhrLinksTable['local_type'];
export type EhrLink = {
	ehrType: string;
	ehrId: string;
	versionId: string | null;
	/** For appointments: their status and times as last written to or accepted from the EHR. */
	syncedState?: string | null;
};

/** Which EHR resource a patient, clinician or appointment is, when it is known. */
export async function readLink(
	db: Executor,
	localType: LocalType,
	localId: string
): Promise<EhrLink | undefined> {
	const row = await db
		.selectFrom('ehr_links')
		.select(['ehr_type', 'ehr_id', 'version_id', 'synced_state'])
		.where('local_type', '=', localType)
		.where('local_id', '=', localId)
		.executeTakeFirst();
	return row
		? {
				ehrType: row.ehr_type,
				ehrId: row.ehr_id,
				versionId: row.version_id,
				syncedState: row.synced_state
			}
		: undefined;
}

export async function saveLink(
	db: Executor,
	localType: LocalType,
	localId: string,
	link: EhrLink,
	now: Date
): Promise<void> {
	await db
		.insertInto('ehr_links')
		.values({
			local_type: localType,
			local_id: localId,
			ehr_type: link.ehrType,
			ehr_id: link.ehrId,
			version_id: link.versionId,
			synced_at: now,
			synced_state: link.syncedState ?? null
		})
		.onConflict((oc) =>
			oc.columns(['local_type', 'local_id']).doUpdateSet({
				ehr_type: link.ehrType,
				ehr_id: link.ehrId,
				version_id: link.versionId,
				synced_at: now,
				synced_state: link.syncedState ?? null
			})
		)
		.execute();
}
