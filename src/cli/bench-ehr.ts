// `npm run bench` runs this (with --experimental-websocket, for Medplum): the clinician's chart loaded
// from the sandbox EHR with 50 ms added to every EHR request (median and p95 to the complete panel),
// and how many appointments a second one outbox worker syncs to the sandbox EHR. Prints JSON.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { seedDemoData } from '$lib/server/demo/seed';
import { clearChartCache, patientChart } from '$lib/server/ehr/chart';
import { ehrTransport } from '$lib/server/ehr/outbox';
import { createFhirClient } from '$lib/server/integrations/fhir/client';
import { loadClientKey } from '$lib/server/integrations/fhir/client-key';
import { createAuditor } from '$lib/server/platform/audit/audit';
import { fixedClock } from '$lib/server/platform/clock';
import { createKeyring } from '$lib/server/platform/crypto/keyring';
import { createPhiCipher } from '$lib/server/platform/crypto/phi';
import { openDatabase } from '$lib/server/platform/db';
import { createLogger } from '$lib/server/platform/logger';
import { migrateToLatest } from '$lib/server/platform/migrate';
import { createOutboxWorker } from '$lib/server/platform/outbox/worker';
import { insertPatient } from '$lib/server/patients/repository';
import { bookAppointment } from '$lib/server/scheduling/booking';
import { searchSlots } from '$lib/server/scheduling/queries';
import { DEMO_MRN_SYSTEM, seedDemoCharts } from '../sandbox-ehr/demo-charts';
import { startSandboxEhr } from '../sandbox-ehr/server';

const LOADS = Number(process.env.BENCH_CHART_LOADS ?? 20);
const APPOINTMENTS = Number(process.env.BENCH_EHR_APPOINTMENTS ?? 100);
const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-bench-ehr-'));
const key = await loadClientKey({ dataDir: dir });
const now = new Date();
const clock = fixedClock(now);
const logger = createLogger({ level: 'silent' });
const handle = await openDatabase({ memory: true });
await migrateToLatest(handle.db);
const db = handle.db;
const phi = createPhiCipher(createKeyring([randomBytes(32)], randomBytes(32)));
await seedDemoData(db, phi, now);
const staff = await db.selectFrom('staff').selectAll().execute();
const actorOf = (email: string) => {
	const s = staff.find((x) => x.email === email)!;
	return { kind: 'staff' as const, id: s.id, organizationId: s.organization_id, roles: s.roles };
};
const ctxFor = (email: string) => {
	const actor = actorOf(email);
	return {
		db,
		clock,
		actor,
		phi,
		logger,
		audit: createAuditor({
			db,
			actor,
			origin: { ip: null, userAgent: 'bench', requestId: null },
			now: () => clock.now()
		})
	};
};

async function sandbox(latencyMs: number) {
	return startSandboxEhr({
		port: 0,
		journalFile: path.join(dir, `journal-${latencyMs}.ndjson`),
		clients: [{ clientId: 'anyvisit', jwks: { keys: [key.publicJwk] } }],
		latencyMs,
		seed: (repo) => seedDemoCharts(repo, now)
	});
}
const depsFor = (baseUrl: string, timeoutMs: number) => ({
	db,
	phi,
	clock,
	logger,
	fhir: createFhirClient({ baseUrl, clientId: 'anyvisit', key, timeoutMs, maxRetries: 0 }),
	baseUrl: 'http://localhost:3000',
	mrnSystem: DEMO_MRN_SYSTEM
});

// 1. The chart, cold, with 50 ms per EHR request.
const slow = await sandbox(50);
const chartDeps = depsFor(slow.baseUrl, 10_000);
const clinician = ctxFor('maya.okafor@demo.anyvisit.test');
const patients = await db.selectFrom('patients').select('id').execute();
const times: number[] = [];
let sections = 0;
for (let i = 0; i < LOADS; i++) {
	clearChartCache();
	const started = performance.now();
	const chart = await patientChart(clinician, chartDeps, patients[i % patients.length]!.id);
	times.push(performance.now() - started);
	sections += 6 - chart.unavailable.length;
}
await slow.close();
times.sort((a, b) => a - b);

// 2. Appointments synced to the EHR by one outbox worker (no added latency).
const fast = await sandbox(0);
const scheduler = ctxFor('scheduler@demo.anyvisit.test');
const organizationId = staff[0]!.organization_id;
const from = new Date(now.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
const to = new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
const slots = await searchSlots(scheduler, {
	patientState: 'TX',
	from,
	to,
	modality: 'video',
	visitType: 'follow-up',
	limit: 2000
});
let booked = 0;
for (let i = 0; booked < APPOINTMENTS && i < slots.length; i++) {
	const patientId = await db.transaction().execute((tx) =>
		insertPatient(tx, phi, {
			organizationId,
			givenName: 'Bench',
			familyName: `Patient ${i}`,
			birthDate: '1970-01-01',
			phone: `+1555555${String(i).padStart(4, '0')}`,
			phoneKind: 'mobile',
			email: null,
			preferredLanguage: 'en',
			contactChannel: 'sms',
			homeState: 'TX',
			timeZone: 'America/Chicago',
			accommodations: {}
		})
	);
	try {
		await bookAppointment(
			scheduler,
			{ patientId, slotId: slots[i]!.id, modality: 'video', patientState: 'TX' },
			{ idempotencyKey: `bench-${i}` }
		);
		booked++;
	} catch {
		// a slot the previous booking's buffer took
	}
}
// Only the FHIR sync is measured here (the SIU messages go to MLLP: hl7-sync.spec.ts).
await db.deleteFrom('outbox').where('channel', '!=', 'fhir').execute();
const worker = createOutboxWorker({
	db,
	clock,
	phi,
	logger,
	transports: [ehrTransport(depsFor(fast.baseUrl, 10_000))],
	batchSize: 50,
	pollMs: 1000
});
const started = performance.now();
await worker.drain();
const seconds = (performance.now() - started) / 1000;
const fhirRows = await db.selectFrom('outbox').select('status').where('channel', '=', 'fhir').execute();
const delivered = fhirRows.filter((r) => r.status === 'delivered').length;
const failed = fhirRows.filter((r) => r.status !== 'delivered');
await fast.close();
await handle.close();
fs.rmSync(dir, { recursive: true, force: true });

process.stdout.write(
	`${JSON.stringify({
		chart: {
			loads: LOADS,
			latencyPerRequestMs: 50,
			p50Ms: Math.round(percentile(times, 0.5)),
			p95Ms: Math.round(percentile(times, 0.95)),
			sectionsLoaded: sections
		},
		sync: {
			appointments: booked,
			delivered,
			notDelivered: failed.length,
			perSecond: Math.round(delivered / seconds)
		}
	})}\n`
);
