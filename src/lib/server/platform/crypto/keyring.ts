import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { open, seal } from './envelope';

/**
 * The key-encryption keys (KEKs) that wrap per-record data keys, and the key of the blind indexes.
 * Production passes them in the environment (`KEK`, during a rotation also `KEK_PREVIOUS`, and
 * `BLIND_INDEX_KEY`; 32 bytes, base64). The embedded default keeps them in files under
 * `DATA_DIR/keys`, created on first run with mode 0600.
 */
export type Keyring = {
	/** The KEK new data keys are wrapped with. */
	currentKekId: string;
	wrap(dataKey: Buffer): { kekId: string; wrapped: string };
	unwrap(kekId: string, wrapped: string): Buffer;
	indexKey: Buffer;
};

export const KEY_BYTES = 32;
const WRAP_AAD = 'anyvisit:data-key';

export function kekIdOf(kek: Buffer): string {
	return createHash('sha256').update(kek).digest('hex').slice(0, 16);
}

export function parseKey(name: string, base64: string): Buffer {
	const key = Buffer.from(base64, 'base64');
	if (key.length !== KEY_BYTES) throw new Error(`${name} must be ${KEY_BYTES} bytes, base64-encoded`);
	return key;
}

/** A keyring over explicit keys: the first KEK is current, the others still unwrap. */
export function createKeyring(keks: Buffer[], indexKey: Buffer): Keyring {
	const [current] = keks;
	if (!current) throw new Error('A keyring needs a key-encryption key');
	const byId = new Map(keks.map((k) => [kekIdOf(k), k]));
	return {
		currentKekId: kekIdOf(current),
		indexKey,
		wrap(dataKey) {
			return { kekId: kekIdOf(current), wrapped: seal(current, dataKey.toString('base64'), WRAP_AAD) };
		},
		unwrap(kekId, wrapped) {
			const kek = byId.get(kekId);
			if (!kek) throw new Error(`No key-encryption key ${kekId} is loaded`);
			return Buffer.from(open(kek, wrapped, WRAP_AAD), 'base64');
		}
	};
}

export const KEY_FILES = {
	dir: 'keys',
	kek: 'kek.key',
	/** Written before a rotation re-wraps; renamed to kek.key once it has. */
	next: 'kek.key.next',
	previous: 'kek.key.previous',
	index: 'index.key'
};

function readOrCreate(file: string): Buffer {
	try {
		return parseKey(file, fs.readFileSync(file, 'utf8').trim());
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		const key = randomBytes(KEY_BYTES);
		fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
		return key;
	}
}

function readIfPresent(file: string): Buffer | undefined {
	return fs.existsSync(file) ? parseKey(file, fs.readFileSync(file, 'utf8').trim()) : undefined;
}

/** The keyring from the environment, else from key files under `dataDir` (created when missing). */
export function loadKeyring(options: {
	kek?: string | undefined;
	kekPrevious?: string | undefined;
	indexKey?: string | undefined;
	dataDir: string;
}): Keyring {
	if (options.kek) {
		if (!options.indexKey) throw new Error('BLIND_INDEX_KEY is required when KEK is set');
		const keks = [parseKey('KEK', options.kek)];
		if (options.kekPrevious) keks.push(parseKey('KEK_PREVIOUS', options.kekPrevious));
		return createKeyring(keks, parseKey('BLIND_INDEX_KEY', options.indexKey));
	}
	const dir = path.join(options.dataDir, KEY_FILES.dir);
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const current = readOrCreate(path.join(dir, KEY_FILES.kek));
	const others = [KEY_FILES.next, KEY_FILES.previous]
		.map((name) => readIfPresent(path.join(dir, name)))
		.filter((k): k is Buffer => !!k);
	return createKeyring([current, ...others], readOrCreate(path.join(dir, KEY_FILES.index)));
}
