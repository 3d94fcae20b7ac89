import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Appointment, DocumentReference } from '@medplum/fhirtypes';
import { afterEach } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { enqueueSignedDocument, type SignedDocument } from '../../src/lib/server/ehr/documents';
import { ehrTransport } from '../../src/lib/server/ehr/outbox';
import { identifierSystem } from '../../src/lib/server/ehr/resources';
import type { EhrSyncDeps } from '../../src/lib/server/ehr/sync';
import { createFhirClient } from '../../src/lib/server/integrations/fhir/client';
import { loadClientKey, type ClientKey } from '../../src/lib/server/integrations/fhir/client-key';
import type { PhiCipher } from '../../src/lib/server/platform/crypto/phi';
import type { Db } from '../../src/lib/server/platform/db';
import { createOutboxWorker } from '../../src/lib/server/platform/outbox/worker';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { DEMO_MRN_SYSTEM } from '../../src/sandbox-ehr/demo-charts';
import { patientNamed, staffActorFor } from '../factories';
import { captureLogger, testContext } from './context';
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

export const EHR_TEST_BASE_URL = 'http://localhost:3000';

/**
 * The demo clinic on `db` syncing to a sandbox EHR through a real outbox worker, as the scheduler at
 * 2026-11-30 15:00Z: books by patient and state, finds what reached the EHR by AnyVisit's identifiers.
 */
export async function ehrSyncHarness(db: Db, phi: PhiCipher, sandbox: TestEhr) {
	await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
	const scheduler = testContext(db, {
		phi,
		actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
		now: '2026-11-30T15:00:00Z'
	});
	const fhir = createFhirClient({
		baseUrl: sandbox.ehr.baseUrl,
		clientId: 'anyvisit',
		key: sandbox.key,
		backoffMs: () => 1,
		maxRetries: 0
	});
	const deps: EhrSyncDeps = {
		db,
		phi,
		clock: scheduler.clock,
		logger: captureLogger().logger,
		fhir,
		baseUrl: EHR_TEST_BASE_URL,
		mrnSystem: DEMO_MRN_SYSTEM
	};
	const worker = createOutboxWorker({
		db,
		clock: scheduler.clock,
		phi,
		logger: captureLogger().logger,
		transports: [ehrTransport(deps)],
		batchSize: 50,
		pollMs: 50
	});
	const book = async (givenName: string, state: string, day: string, key: string) => {
		const patient = await patientNamed(db, phi, givenName);
		const [slot] = await searchSlots(scheduler.ctx, {
			patientState: state,
			from: day,
			to: day,
			modality: 'video',
			limit: 1
		});
		return (
			await bookAppointment(
				scheduler.ctx,
				{ patientId: patient.id, slotId: slot!.id, modality: 'video', patientState: state },
				{ idempotencyKey: key }
			)
		).appointment;
	};
	const inEhr = (appointmentId: string) =>
		fhir.searchAll<Appointment>('Appointment', {
			identifier: `${identifierSystem(EHR_TEST_BASE_URL, 'appointment')}|${appointmentId}`
		});
	const outboxStates = async () =>
		(await db.selectFrom('outbox').select('status').where('channel', '=', 'fhir').execute()).map(
			(r) => r.status
		);
	const sign = (note: SignedDocument) =>
		db.transaction().execute((tx) => enqueueSignedDocument(tx, phi, note, scheduler.clock.now()));
	const documentsInEhr = (documentId: string) =>
		fhir.searchAll<DocumentReference>('DocumentReference', {
			identifier: `${identifierSystem(EHR_TEST_BASE_URL, 'document')}|${documentId}`
		});
	/**
	 * Delivers until nothing for the EHR is pending: a delivery that failed on a loaded machine (a
	 * timeout) is retried after its backoff, as the worker would, a few rounds at most.
	 */
	const deliverAll = async () => {
		for (let round = 0; round < 5; round++) {
			await worker.drain();
			const pending = await db
				.selectFrom('outbox')
				.select('id')
				.where('channel', '=', 'fhir')
				.where('status', '=', 'pending')
				.execute();
			if (pending.length === 0) return;
			scheduler.clock.advance(60 * 60_000);
		}
	};
	return {
		db,
		deps,
		scheduler,
		fhir,
		worker,
		book,
		inEhr,
		outboxStates,
		sandbox,
		sign,
		documentsInEhr,
		deliverAll
	};
}
