import type { Migration } from 'kysely/migration';
import * as foundation from './0001_foundation';

/**
 * Every migration, in order. Listed statically (not read from disk) so that the server bundle,
 * the CLI bundle and the tests all carry the same set.
 */
export const migrations: Record<string, Migration> = {
	'0001_foundation': foundation
};
