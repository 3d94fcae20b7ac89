import fs from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'anyvisit.lock';

export class EmbeddedDatabaseBusyError extends Error {
	constructor(
		readonly pid: number,
		readonly dataDir: string
	) {
		super(
			`The embedded database in ${dataDir} is open in another AnyVisit process (pid ${pid}). ` +
				'PGlite serves one process at a time: stop that process first (or set DATABASE_URL to use PostgreSQL).'
		);
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Takes the single-process lock on an embedded data directory. PGlite is one process: a second
 * opener would corrupt it, so a CLI refuses while the server holds the lock. A lock left by a
 * process that no longer exists is taken over.
 */
export function acquireEmbeddedLock(dataDir: string): { release(): void } {
	fs.mkdirSync(dataDir, { recursive: true });
	const file = path.join(dataDir, LOCK_FILE);
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				try {
					if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
				} catch {
					// already gone
				}
			};
			process.once('exit', release);
			return { release };
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const holder = Number(fs.readFileSync(file, 'utf8'));
			if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
				throw new EmbeddedDatabaseBusyError(holder, dataDir);
			}
			fs.rmSync(file, { force: true });
		}
	}
	throw new Error(`Could not lock ${dataDir}`);
}
