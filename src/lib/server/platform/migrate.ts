import { Migrator, type MigrationResultSet } from 'kysely/migration';
import type { Db } from './db';
import { migrations } from './migrations';

function migrator(db: Db): Migrator {
	return new Migrator({
		db,
		provider: { getMigrations: () => Promise.resolve(migrations) },
		migrationTableName: 'schema_migrations',
		migrationLockTableName: 'schema_migrations_lock'
	});
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
	const { error, results }: MigrationResultSet = await migrator(db).migrateToLatest();
	const failed = results?.find((r) => r.status === 'Error');
	if (error) {
		const reason = error instanceof Error ? error.message : JSON.stringify(error);
		throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${reason}`, { cause: error });
	}
	return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(db: Db): Promise<string[]> {
	const all = await migrator(db).getMigrations();
	return all.filter((m) => !m.executedAt).map((m) => m.name);
}
