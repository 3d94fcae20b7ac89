import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { fixedClock } from '../../src/lib/server/platform/clock';
import type { Actor, ServiceContext } from '../../src/lib/server/platform/context';
import type { Db } from '../../src/lib/server/platform/db';
import { createLogger } from '../../src/lib/server/platform/logger';
import { createAuditor } from '../../src/lib/server/platform/audit/audit';
import { createKeyring } from '../../src/lib/server/platform/crypto/keyring';
import { createPhiCipher, type PhiCipher } from '../../src/lib/server/platform/crypto/phi';

/** A logger whose lines tests can read. */
export function captureLogger() {
	const lines: Record<string, unknown>[] = [];
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
				lines.push(JSON.parse(line) as Record<string, unknown>);
			}
			done();
		}
	});
	return { logger: createLogger({ level: 'debug' }, sink), lines };
}

/** A service context on a real database with a fixed clock. */
export function testContext(db: Db, options: { actor?: Actor; now?: string; phi?: PhiCipher } = {}) {
	const clock = fixedClock(options.now ?? '2026-11-29T15:00:00Z');
	const { logger, lines } = captureLogger();
	const actor = options.actor ?? { kind: 'dev-operator' };
	const audit = createAuditor({
		db,
		actor,
		origin: { ip: '203.0.113.7', userAgent: 'vitest', requestId: 'test-request' },
		now: () => clock.now()
	});
	const ctx: ServiceContext = { db, clock, actor, audit, phi: options.phi ?? testPhiCipher(), logger };
	return { ctx, clock, logLines: lines };
}

/** A PHI cipher over fresh random keys (nothing written to disk). */
export function testPhiCipher() {
	return createPhiCipher(createKeyring([randomBytes(32)], randomBytes(32)));
}
