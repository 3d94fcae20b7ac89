import { isReachable, type Db } from './db';
import { pendingMigrations } from './migrate';

export type Readiness = { ready: boolean; database: 'up' | 'down'; pendingMigrations: string[] };

/** Ready when the database answers and every migration has been applied. */
export async function checkReadiness(db: Db): Promise<Readiness> {
	if (!(await isReachable(db))) return { ready: false, database: 'down', pendingMigrations: [] };
	const pending = await pendingMigrations(db);
	return { ready: pending.length === 0, database: 'up', pendingMigrations: pending };
}
