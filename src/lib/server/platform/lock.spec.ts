import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { EmbeddedDatabaseBusyError, acquireEmbeddedLock } from './lock';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-lock-'));

describe('embedded database lock', () => {
	test('refuses while another live process holds it, and names that process', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'anyvisit.lock'), String(process.ppid));
		expect(() => acquireEmbeddedLock(dir)).toThrow(EmbeddedDatabaseBusyError);
		expect(() => acquireEmbeddedLock(dir)).toThrow(`pid ${process.ppid}`);
		expect(fs.readFileSync(path.join(dir, 'anyvisit.lock'), 'utf8')).toBe(String(process.ppid));
	});

	test('takes over a lock left by a process that no longer exists', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'anyvisit.lock'), '999999999');
		const lock = acquireEmbeddedLock(dir);
		expect(fs.readFileSync(path.join(dir, 'anyvisit.lock'), 'utf8')).toBe(String(process.pid));
		lock.release();
		expect(fs.existsSync(path.join(dir, 'anyvisit.lock'))).toBe(false);
	});
});
