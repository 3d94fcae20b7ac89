import Dexie, { type EntityTable } from 'dexie';

/**
 * Intake answers kept on the patient's own device while they type (IndexedDB through Dexie), so a
 * reload, a dropped signal or a closed tab loses nothing; a finished form waits here, queued, until
 * the network is back. Each draft carries the submission id the server deduplicates on, so however
 * often it is sent it lands once. A draft is deleted as soon as the server has it.
 */
export type IntakeDraft = {
	/** `<visit id>:<questionnaire>` */
	key: string;
	submissionId: string;
	answers: Record<string, string>;
	queued: boolean;
	updatedAt: number;
};

class IntakeDatabase extends Dexie {
	drafts!: EntityTable<IntakeDraft, 'key'>;
	constructor() {
		super('anyvisit-intake');
		this.version(1).stores({ drafts: 'key, updatedAt' });
	}
}

let db: IntakeDatabase | undefined;
const database = () => (db ??= new IntakeDatabase());

export const draftKey = (visitId: string, questionnaire: string) => `${visitId}:${questionnaire}`;

export function readDraft(key: string): Promise<IntakeDraft | undefined> {
	return database().drafts.get(key);
}

export async function saveDraft(draft: IntakeDraft): Promise<void> {
	await database().drafts.put(draft);
}

export async function deleteDraft(key: string): Promise<void> {
	await database().drafts.delete(key);
}

/** Drafts older than two weeks are of no use to any visit: they are removed. */
export async function pruneDrafts(now = Date.now()): Promise<void> {
	await database()
		.drafts.where('updatedAt')
		.below(now - 14 * 86_400_000)
		.delete();
}
