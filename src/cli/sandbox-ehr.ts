// The sandbox EHR as its own process (`npm start` runs it beside the app when FHIR_BASE_URL is unset):
// a FHIR R4 server on SANDBOX_EHR_PORT at /fhir/R4, its data under DATA_DIR/sandbox-ehr, trusting the
// app's embedded client key (DATA_DIR/keys). Run with --experimental-websocket on Node 20 (Medplum).
import path from 'node:path';
import { loadClientKey } from '$lib/server/integrations/fhir/client-key';
import { loadConfig, SANDBOX_CLIENT_ID } from '$lib/server/platform/config';
import { seedDemoCharts } from '../sandbox-ehr/demo-charts';
import { startSandboxMllp } from '../sandbox-ehr/mllp';
import { startSandboxEhr } from '../sandbox-ehr/server';

const config = loadConfig();
if (config.env === 'production') {
	process.stderr.write('sandbox-ehr: the sandbox EHR holds demo data and never runs in production.\n');
	process.exit(2);
}
const key = await loadClientKey({ dataDir: config.dataDir });
const latencyMs = Number(process.env.SANDBOX_EHR_LATENCY_MS ?? 0);
const mllp = await startSandboxMllp({
	port: config.sandboxMllpPort,
	logFile: path.join(config.dataDir, 'sandbox-ehr', 'hl7.ndjson')
});
const sandbox = await startSandboxEhr({
	port: config.sandboxEhrPort,
	journalFile: path.join(config.dataDir, 'sandbox-ehr', 'journal.ndjson'),
	clients: [{ clientId: SANDBOX_CLIENT_ID, jwks: { keys: [key.publicJwk] } }],
	latencyMs: Number.isFinite(latencyMs) ? latencyMs : 0,
	seed: (repo) => seedDemoCharts(repo, new Date()),
	hl7Messages: mllp.messages
});
process.stdout.write(
	`Sandbox EHR (FHIR R4) on ${sandbox.baseUrl}; HL7 v2 over MLLP on port ${config.sandboxMllpPort} (received: ${sandbox.origin}/hl7/messages)\n`
);

const stop = () => {
	void Promise.all([sandbox.close(), mllp.close()]).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
