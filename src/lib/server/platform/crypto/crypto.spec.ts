import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { blindIndex, open, seal } from './envelope';
import { KEY_FILES, createKeyring, kekIdOf, loadKeyring } from './keyring';
import { normalizeEmail, normalizePhone } from './phi';

const key = randomBytes(32);

describe('sealing a value (AES-256-GCM)', () => {
	test('opens with the same key and associated data', () => {
		const sealed = seal(key, 'Rosa Hernández', 'patients.given_name:p1');
		expect(sealed.startsWith('v1.')).toBe(true);
		expect(sealed).not.toContain('Rosa');
		expect(open(key, sealed, 'patients.given_name:p1')).toBe('Rosa Hernández');
	});

	test('the same value sealed twice differs (random IV)', () => {
		expect(seal(key, '1979-04-12', 'a')).not.toBe(seal(key, '1979-04-12', 'a'));
	});

	test.each([
		['another key', (s: string) => open(randomBytes(32), s, 'patients.phone:p1')],
		['another record', (s: string) => open(key, s, 'patients.phone:p2')],
		['another column', (s: string) => open(key, s, 'patients.email:p1')],
		[
			'one flipped byte',
			(s: string) => {
				const raw = Buffer.from(s.slice(3), 'base64url');
				raw[14] = raw[14]! ^ 1;
				return open(key, 'v1.' + raw.toString('base64url'), 'patients.phone:p1');
			}
		],
		['an unknown version', (s: string) => open(key, 'v9.' + s.slice(3), 'patients.phone:p1')]
	])('refuses to open with %s', (_name, attempt) => {
		const sealed = seal(key, '+15125550101', 'patients.phone:p1');
		expect(() => attempt(sealed)).toThrow();
	});
});

describe('blind index', () => {
	test('equal normalized values index alike; another key or kind does not', () => {
		const indexKey = randomBytes(32);
		const a = blindIndex(indexKey, 'phone', normalizePhone('+1 (512) 555-0101'));
		expect(a).toBe(blindIndex(indexKey, 'phone', normalizePhone('+15125550101')));
		expect(a).not.toBe(blindIndex(randomBytes(32), 'phone', normalizePhone('+15125550101')));
		expect(a).not.toBe(blindIndex(indexKey, 'email', normalizePhone('+15125550101')));
		expect(normalizeEmail('  Layla.Hassan@Example.ORG ')).toBe('layla.hassan@example.org');
	});
});

describe('keyring', () => {
	test('wraps with the current KEK and unwraps with any loaded one', () => {
		const oldKek = randomBytes(32);
		const newKek = randomBytes(32);
		const dataKey = randomBytes(32);
		const before = createKeyring([oldKek], randomBytes(32)).wrap(dataKey);
		const during = createKeyring([newKek, oldKek], randomBytes(32));
		expect(during.unwrap(before.kekId, before.wrapped)).toEqual(dataKey);
		expect(during.wrap(dataKey).kekId).toBe(kekIdOf(newKek));
		expect(() => createKeyring([newKek], randomBytes(32)).unwrap(before.kekId, before.wrapped)).toThrow(
			'No key-encryption key'
		);
	});

	test('the embedded default creates key files once, readable by the owner only', () => {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-keys-'));
		const first = loadKeyring({ dataDir });
		const file = path.join(dataDir, KEY_FILES.dir, KEY_FILES.kek);
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		expect(fs.statSync(path.join(dataDir, KEY_FILES.dir, KEY_FILES.index)).mode & 0o777).toBe(0o600);
		const second = loadKeyring({ dataDir });
		expect(second.currentKekId).toBe(first.currentKekId);
		expect(second.indexKey).toEqual(first.indexKey);
	});

	test('keys from the environment: 32 bytes of base64, and an index key with them', () => {
		const kek = randomBytes(32).toString('base64');
		expect(loadKeyring({ kek, indexKey: kek, dataDir: '/nonexistent' }).currentKekId).toBe(
			kekIdOf(Buffer.from(kek, 'base64'))
		);
		expect(() => loadKeyring({ kek, dataDir: '/nonexistent' })).toThrow('BLIND_INDEX_KEY');
		expect(() => loadKeyring({ kek: 'c2hvcnQ=', indexKey: kek, dataDir: '/x' })).toThrow('32 bytes');
	});
});
