import { hashPassword, verifyPassword } from '$lib/server/identity/password';
import { STAFF_SESSION, createSession, validateSessionToken } from '$lib/server/identity/session';
import { openDatabase } from '$lib/server/platform/db';
import { migrateToLatest } from '$lib/server/platform/migrate';

// `npm run bench` runs this: the cost of one Argon2id hash and verification (what a sign-in pays), and
// how many session validations per second one process does on PGlite. Prints JSON.
const HASHES = 5;
const VALIDATIONS = Number(process.env.BENCH_SESSION_VALIDATIONS ?? 2000);

const hashStart = performance.now();
let stored = '';
for (let i = 0; i < HASHES; i++) stored = await hashPassword(`bench password ${i}`);
const hashMs = (performance.now() - hashStart) / HASHES;
const verifyStart = performance.now();
for (let i = 0; i < HASHES; i++) await verifyPassword(stored, 'wrong password');
const verifyMs = (performance.now() - verifyStart) / HASHES;

const handle = await openDatabase({ memory: true });
await migrateToLatest(handle.db);
const org = await handle.db
	.insertInto('organizations')
	.values({ name: 'Bench Clinic', time_zone: 'UTC' })
	.returning('id')
	.executeTakeFirstOrThrow();
const staff = await handle.db
	.insertInto('staff')
	.values({
		organization_id: org.id,
		email: 'bench@example.org',
		display_name: 'Bench',
		roles: ['admin'],
		time_zone: 'UTC'
	})
	.returning('id')
	.executeTakeFirstOrThrow();
const now = new Date();
const { token } = await createSession(
	handle.db,
	{ kind: 'staff', id: staff.id, organizationId: org.id },
	{ now, ...STAFF_SESSION }
);
const validateStart = performance.now();
for (let i = 0; i < VALIDATIONS; i++) {
	if (!(await validateSessionToken(handle.db, token, now))) throw new Error('the session did not validate');
}
const validatePerSecond = Math.round((VALIDATIONS / (performance.now() - validateStart)) * 1000);
await handle.close();

process.stdout.write(
	JSON.stringify({
		argon2idHashMs: Math.round(hashMs),
		argon2idVerifyMs: Math.round(verifyMs),
		argon2idParameters: 'm=19456 KiB, t=2, p=1',
		sessionValidationsPerSecond: validatePerSecond,
		database: 'pglite'
	}) + '\n'
);
