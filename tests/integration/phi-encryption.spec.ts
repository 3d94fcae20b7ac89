import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEMO_PATIENTS, seedDemoData } from '../../src/lib/server/demo/seed';
import { readPatient } from '../../src/lib/server/patients/repository';
import { loadKeyring, kekIdOf } from '../../src/lib/server/platform/crypto/keyring';
import { createPhiCipher } from '../../src/lib/server/platform/crypto/phi';
import { rotateEnvironmentKek, rotateKeyFiles } from '../../src/lib/server/platform/crypto/rotation';
import { openDatabase } from '../../src/lib/server/platform/db';
import { migrateToLatest } from '../../src/lib/server/platform/migrate';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';

function* filesUnder(dir: string): Generator<string> {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) yield* filesUnder(full);
		else yield full;
	}
}

describe('PHI at rest', () => {
	test('the database files hold none of the seeded patients’ names, phones or dates of birth', async () => {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-scan-'));
		const handle = await openDatabase({ dataDir });
		await migrateToLatest(handle.db);
		const phi = createPhiCipher(loadKeyring({ dataDir }));
		await seedDemoData(handle.db, phi, new Date());
		// The data is really there, readable through the keys...
		const ids = await handle.db.selectFrom('patients').select('id').execute();
		const names = await Promise.all(
			ids.map(async ({ id }) => (await readPatient(handle.db, phi, id))!.familyName)
		);
		expect(names).toContain('Hernández');
		await handle.close();

		// ...and nowhere in the files, in any encoding PostgreSQL might use.
		const needles = DEMO_PATIENTS.flatMap((p) => [p.givenName, p.familyName, p.birthDate, p.phone, p.email])
			.filter((v): v is string => !!v)
			.flatMap((v) => [v, v.replace(/^\+1/, '')]);
		const found: string[] = [];
		const pgdata = path.join(dataDir, 'pgdata');
		let scanned = 0;
		for (const file of filesUnder(pgdata)) {
			const bytes = fs.readFileSync(file);
			scanned += bytes.length;
			for (const needle of needles) {
				if (bytes.includes(Buffer.from(needle, 'utf8')))
					found.push(`${needle} in ${path.relative(pgdata, file)}`);
			}
		}
		expect(scanned).toBeGreaterThan(1_000_000);
		expect(found).toEqual([]);
		// The scan does see plaintext: staff names (workforce data, not PHI) are stored as they are.
		const control = [...filesUnder(pgdata)].some((file) => fs.readFileSync(file).includes('Okafor'));
		expect(control).toBe(true);
	});
});

describe.each(DATABASE_KINDS)('key rotation on %s', (kind) => {
	const database = useTestDatabase(kind);

	test('rotating the key files re-wraps every data key; the data stays readable with the new key alone', async () => {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-rotate-'));
		const before = loadKeyring({ dataDir });
		await seedDemoData(database().db, createPhiCipher(before), new Date());

		const result = await rotateKeyFiles(database().db, dataDir);
		expect(result.previousKekId).toBe(before.currentKekId);
		expect(result.rewrapped).toBeGreaterThanOrEqual(DEMO_PATIENTS.length);
		const kekIds = await database().db.selectFrom('data_keys').select('kek_id').distinct().execute();
		expect(kekIds).toEqual([{ kek_id: result.newKekId }]);

		// Without the old key file, the new key alone opens everything.
		fs.rmSync(path.join(dataDir, 'keys', 'kek.key.previous'));
		const after = loadKeyring({ dataDir });
		expect(after.currentKekId).toBe(result.newKekId);
		const ids = await database().db.selectFrom('patients').select('id').execute();
		const patients = await Promise.all(
			ids.map(({ id }) => readPatient(database().db, createPhiCipher(after), id))
		);
		expect(patients.map((p) => p!.givenName).sort()).toEqual(DEMO_PATIENTS.map((p) => p.givenName).sort());
		// Lookups keep working: the blind-index key does not rotate with the KEK.
		expect(after.indexKey).toEqual(before.indexKey);
	});

	test('rotating a KEK from the environment re-wraps to NEW_KEK', async () => {
		const kek = randomBytes(32).toString('base64');
		const indexKey = randomBytes(32).toString('base64');
		const newKek = randomBytes(32).toString('base64');
		const phi = createPhiCipher(loadKeyring({ kek, indexKey, dataDir: '/nonexistent' }));
		await seedDemoData(database().db, phi, new Date());
		const result = await rotateEnvironmentKek(database().db, { kek, indexKey, newKek });
		expect(result.newKekId).toBe(kekIdOf(Buffer.from(newKek, 'base64')));
		const fresh = createPhiCipher(loadKeyring({ kek: newKek, indexKey, dataDir: '/nonexistent' }));
		const [first] = await database().db.selectFrom('patients').select('id').limit(1).execute();
		expect((await readPatient(database().db, fresh, first!.id))?.givenName).toBeTruthy();
	});
});
