import { fixedClock } from '$lib/server/platform/clock';
import { randomBytes } from 'node:crypto';
import { createKeyring } from '$lib/server/platform/crypto/keyring';
import { createPhiCipher } from '$lib/server/platform/crypto/phi';
import { openDatabase } from '$lib/server/platform/db';
import { createLogger } from '$lib/server/platform/logger';
import { migrateToLatest } from '$lib/server/platform/migrate';
import { devSinkTransport } from '$lib/server/platform/outbox/dev-sink';
import { enqueue } from '$lib/server/platform/outbox/outbox';
import { createOutboxWorker } from '$lib/server/platform/outbox/worker';

// `npm run bench` runs this: enqueue N messages, then time how fast one worker delivers them to the
// development outbox on PGlite (and on PostgreSQL when BENCH_DATABASE_URL is set). Prints JSON.
const COUNT = Number(process.env.BENCH_OUTBOX_MESSAGES ?? 2000);

async function measure(kind: 'pglite' | 'postgres') {
	const handle =
		kind === 'pglite'
			? await openDatabase({ memory: true })
			: await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL, poolSize: 4 });
	try {
		await migrateToLatest(handle.db);
		await handle.db.deleteFrom('dev_outbox_messages').execute();
		await handle.db.deleteFrom('outbox').execute();
		await handle.db.deleteFrom('data_keys').execute();
		const clock = fixedClock(new Date());
		const phi = createPhiCipher(createKeyring([randomBytes(32)], randomBytes(32)));
		const run = `bench-${Date.now()}`;
		const enqueueStart = performance.now();
		await handle.db.transaction().execute(async (tx) => {
			for (let i = 0; i < COUNT; i++) {
				await enqueue(
					tx,
					phi,
					{
						channel: 'sms',
						idempotencyKey: `${run}:${i}`,
						payload: {
							to: '+15125550100',
							body: 'Reminder: your visit is tomorrow at 10:00.',
							language: 'en'
						}
					},
					{ now: clock.now(), maxAttempts: 3 }
				);
			}
		});
		const enqueueMs = performance.now() - enqueueStart;
		const worker = createOutboxWorker({
			db: handle.db,
			clock,
			phi,
			logger: createLogger({ level: 'silent' }),
			transports: [devSinkTransport('sms', handle.db, clock, phi)],
			batchSize: 50,
			pollMs: 1000
		});
		const deliverStart = performance.now();
		const delivered = await worker.drain();
		const deliverMs = performance.now() - deliverStart;
		return {
			database: kind,
			messages: COUNT,
			delivered,
			enqueuePerSecond: Math.round((COUNT / enqueueMs) * 1000),
			deliveredPerSecond: Math.round((delivered / deliverMs) * 1000)
		};
	} finally {
		await handle.close();
	}
}

const results = [await measure('pglite')];
if (process.env.BENCH_DATABASE_URL) results.push(await measure('postgres'));
process.stdout.write(JSON.stringify(results) + '\n');
