// The sandbox EHR as its own process (`npm start` runs it beside the app when FHIR_BASE_URL is unset):
// a FHIR R4 server on SANDBOX_EHR_PORT at /fhir/R4, its data under DATA_DIR/sandbox-ehr, trusting the
// app's embedded client key (DATA_DIR/keys). Run with --experimental-websocket on Node 20 (Medplum).
import path from 'node:path';
import { loadClientKey } from '$lib/server/integrations/fhir/client-key';
import { loadConfig, SANDBOX_CLIENT_ID } from '$lib/server/platform/config';
import { seedDemoCharts } from '../sandbox-ehr/demo-charts';
import { startSandboxEhr } from '../sandbox-ehr/server';

const config = loadConfig();
if (config.env === 'production') {
	process.stderr.write('sandbox-ehr: the sandbox EHR holds demo data and never runs in production.\n');
	process.exit(2);
}
const key = await loadClientKey({ dataDir: config.dataDir });
const latencyMs = Number(process.env.SANDBOX_EHR_LATENCY_MS ?? 0);
const sandbox = await startSandboxEhr({
	port: config.sandboxEhrPort,
	journalFile: path.join(config.dataDir, 'sandbox-ehr', 'journal.ndjson'),
	clients: [{ clientId: SANDBOX_CLIENT_ID, jwks: { keys: [key.publicJwk] } }],
	latencyMs: Number.isFinite(latencyMs) ? latencyMs : 0,
	seed: (repo) => seedDemoCharts(repo, new Date())
});
process.stdout.write(`Sandbox EHR (FHIR R4) on ${sandbox.baseUrl}\n`);

const stop = () => {
	void sandbox.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
