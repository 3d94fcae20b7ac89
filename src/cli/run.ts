import { loadConfig, type Config } from '$lib/server/platform/config';
import { openDatabase, type DatabaseHandle } from '$lib/server/platform/db';
import { EmbeddedDatabaseBusyError, acquireEmbeddedLock } from '$lib/server/platform/lock';
import { createLogger, type Logger } from '$lib/server/platform/logger';

/**
 * Runs a command against the database. On the embedded database it first takes the single-process
 * lock, so it refuses clearly (exit 2) while the server holds it instead of corrupting PGlite.
 */
export async function runCommand(
	name: string,
	command: (tools: { handle: DatabaseHandle; config: Config; logger: Logger }) => Promise<void>,
	options: { refuseInProduction?: string } = {}
): Promise<void> {
	let config: Config;
	try {
		config = loadConfig();
	} catch (error) {
		process.stderr.write(`${name}: ${(error as Error).message}\n`);
		process.exit(2);
	}
	if (options.refuseInProduction && config.env === 'production') {
		process.stderr.write(`${name}: ${options.refuseInProduction}\n`);
		process.exit(2);
	}
	const logger = createLogger({ level: config.logLevel, base: { command: name } });
	let lock: { release(): void } | undefined;
	try {
		if (!config.databaseUrl) lock = acquireEmbeddedLock(config.dataDir);
	} catch (error) {
		if (error instanceof EmbeddedDatabaseBusyError) {
			process.stderr.write(`${name}: ${error.message}\n`);
			process.exit(2);
		}
		throw error;
	}
	const handle = await openDatabase({
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		poolSize: 2
	});
	try {
		await command({ handle, config, logger });
	} catch (error) {
		process.stderr.write(`${name} failed: ${(error as Error).message}\n`);
		process.exitCode = 1;
	} finally {
		await handle.close();
		lock?.release();
	}
}
