import { sql } from 'kysely';
import type { DatabaseHandle, Db } from './db';

/**
 * Wakes whoever follows a visit room or a clinic's waiting list, on every app instance: a change
 * NOTIFYs `organization:appointment` on one channel when its transaction commits (ARCHITECTURE.md,
 * "The waiting room is server state"). The payload carries ids only; followers read what changed from
 * the database, so a lost notification delays an update and never loses it.
 */
export const VISIT_CHANNEL = 'anyvisit_visits';

export type EventBus = {
	/** Calls `onWake` when anything happens under `key` (an appointment id or an organization id). */
	subscribe(key: string, onWake: () => void): () => void;
	close(): Promise<void>;
};

/**
 * Tells followers of a visit to look again, at commit; with an organization, its clinic's waiting
 * lists too (null for what only the room sees: signalling, chat).
 */
export async function notifyVisit(
	db: Db,
	organizationId: string | null,
	appointmentId: string
): Promise<void> {
	const payload = organizationId ? `${organizationId}:${appointmentId}` : appointmentId;
	await sql`select pg_notify(${VISIT_CHANNEL}, ${payload})`.execute(db);
}

/** Listens on the visit channel and hands each wake-up to the subscribers of its keys. */
export async function createEventBus(handle: Pick<DatabaseHandle, 'listen'>): Promise<EventBus> {
	const subscribers = new Map<string, Set<() => void>>();
	const wake = (key: string) => {
		for (const onWake of subscribers.get(key) ?? []) onWake();
	};
	const stop = await handle.listen(VISIT_CHANNEL, (payload) => {
		for (const key of payload.split(':')) wake(key);
	});
	return {
		subscribe(key, onWake) {
			let set = subscribers.get(key);
			if (!set) subscribers.set(key, (set = new Set()));
			set.add(onWake);
			return () => {
				set.delete(onWake);
				if (set.size === 0) subscribers.delete(key);
			};
		},
		async close() {
			subscribers.clear();
			await stop();
		}
	};
}
