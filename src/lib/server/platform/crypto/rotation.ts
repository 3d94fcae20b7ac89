import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { KEY_BYTES, KEY_FILES, createKeyring, kekIdOf, loadKeyring, parseKey } from './keyring';
import { rewrapDataKeys } from './phi';

export type RotationResult = { rewrapped: number; newKekId: string; previousKekId: string };

/**
 * Rotates the key-encryption key kept in files under `dataDir/keys` (the embedded default):
 * 1. the new KEK is written to kek.key.next first (so a crash never strands re-wrapped keys),
 * 2. every data key is re-wrapped with it in one transaction,
 * 3. kek.key becomes kek.key.previous and kek.key.next becomes kek.key.
 */
export async function rotateKeyFiles(db: Kysely<Database>, dataDir: string): Promise<RotationResult> {
	const dir = path.join(dataDir, KEY_FILES.dir);
	const current = loadKeyring({ dataDir });
	const nextFile = path.join(dir, KEY_FILES.next);
	if (!fs.existsSync(nextFile)) {
		fs.writeFileSync(nextFile, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
	}
	const next = parseKey(nextFile, fs.readFileSync(nextFile, 'utf8').trim());
	const currentKek = parseKey(KEY_FILES.kek, fs.readFileSync(path.join(dir, KEY_FILES.kek), 'utf8').trim());
	const previousFile = path.join(dir, KEY_FILES.previous);
	const keks = [next, currentKek];
	if (fs.existsSync(previousFile))
		keks.push(parseKey(previousFile, fs.readFileSync(previousFile, 'utf8').trim()));
	const rewrapped = await rewrapDataKeys(db, createKeyring(keks, current.indexKey));
	fs.renameSync(path.join(dir, KEY_FILES.kek), previousFile);
	fs.renameSync(nextFile, path.join(dir, KEY_FILES.kek));
	return { rewrapped, newKekId: kekIdOf(next), previousKekId: kekIdOf(currentKek) };
}

/**
 * Rotates a KEK given in the environment: re-wraps every data key with `newKek`. The operator then
 * deploys with KEK=<new> (and KEK_PREVIOUS=<old> until every instance runs with the new key).
 */
export async function rotateEnvironmentKek(
	db: Kysely<Database>,
	keys: { kek: string; kekPrevious?: string | undefined; indexKey: string; newKek: string }
): Promise<RotationResult> {
	const next = parseKey('NEW_KEK', keys.newKek);
	const currentKek = parseKey('KEK', keys.kek);
	const keks = [next, currentKek];
	if (keys.kekPrevious) keks.push(parseKey('KEK_PREVIOUS', keys.kekPrevious));
	const rewrapped = await rewrapDataKeys(db, createKeyring(keks, parseKey('BLIND_INDEX_KEY', keys.indexKey)));
	return { rewrapped, newKekId: kekIdOf(next), previousKekId: kekIdOf(currentKek) };
}
