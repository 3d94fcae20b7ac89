import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { loadClientKey, type ClientKey } from '../../src/lib/server/integrations/fhir/client-key';
import { seedDemoCharts } from '../../src/sandbox-ehr/demo-charts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/server';

export type TestEhr = {
	ehr: SandboxEhr;
	key: ClientKey;
	/** Stops the sandbox and starts it again on `port` (0: any), with the same journal. */
	restart(port?: number): Promise<SandboxEhr>;
	stop(): Promise<void>;
};

/**
 * A real sandbox EHR for one test, on a free port, with the demo charts and a client key the app
 * signs with (client id "anyvisit"); stopped and removed after the test.
 */
export function useTestEhr(): (options?: { chartsAt?: Date }) => Promise<TestEhr> {
	const started: { dir: string; current?: SandboxEhr }[] = [];
	afterEach(async () => {
		for (const s of started.splice(0)) {
			await s.current?.close();
			fs.rmSync(s.dir, { recursive: true, force: true });
		}
	});
	return async (options = {}) => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-ehr-'));
		const state: { dir: string; current?: SandboxEhr } = { dir };
		started.push(state);
		const key = await loadClientKey({ dataDir: dir });
		const start = (port = 0) =>
			startSandboxEhr({
				port,
				journalFile: path.join(dir, 'journal.ndjson'),
				clients: [{ clientId: 'anyvisit', jwks: { keys: [key.publicJwk] } }],
				seed: (repo) => seedDemoCharts(repo, options.chartsAt ?? new Date('2026-11-23T12:00:00Z'))
			});
		state.current = await start();
		return {
			ehr: state.current,
			key,
			async restart(port = 0) {
				await state.current?.close();
				state.current = await start(port);
				return state.current;
			},
			async stop() {
				await state.current?.close();
				state.current = undefined;
			}
		};
	};
}
