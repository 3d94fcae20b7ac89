// `npm start`: build if the sources changed, then serve. The server migrates the database and, on an
// empty embedded database, seeds the demo data before it listens (src/hooks.server.ts). Without
// FHIR_BASE_URL the sandbox EHR runs beside it, as a child process, and stops with it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildIfNeeded } from './build-if-needed.js';

buildIfNeeded();

if (!process.env.FHIR_BASE_URL && process.env.APP_ENV !== 'production') {
	const root = path.resolve(import.meta.dirname, '..');
	// Medplum's libraries need a global WebSocket, which Node 20 has only behind this flag.
	const sandbox = spawn(
		process.execPath,
		[
			'--experimental-websocket',
			'--no-warnings=ExperimentalWarning',
			path.join(root, 'build', 'cli', 'sandbox-ehr.js')
		],
		{ stdio: 'inherit' }
	);
	sandbox.on('exit', (code, signal) => {
		if (code !== 0 && signal === null) process.stderr.write(`The sandbox EHR stopped (exit ${code}).\n`);
	});
	const stopSandbox = () => sandbox.exitCode === null && sandbox.kill('SIGTERM');
	process.on('exit', stopSandbox);
	process.on('SIGTERM', stopSandbox);
	process.on('SIGINT', stopSandbox);
}

await import('./serve.js');
