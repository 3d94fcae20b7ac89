// Starts the sandbox EHR (build/cli/sandbox-ehr.js) as a child process that stops with this one.
// Used by `npm start` and the end-to-end server when FHIR_BASE_URL is unset.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export function startSandboxEhrChild() {
	// Medplum's libraries need a global WebSocket, which Node 20 has only behind this flag.
	const child = spawn(
		process.execPath,
		[
			'--experimental-websocket',
			'--no-warnings=ExperimentalWarning',
			path.join(ROOT, 'build', 'cli', 'sandbox-ehr.js')
		],
		{ stdio: 'inherit' }
	);
	child.on('exit', (code, signal) => {
		if (code !== 0 && signal === null) process.stderr.write(`The sandbox EHR stopped (exit ${code}).\n`);
	});
	const stop = () => {
		if (child.exitCode === null) child.kill('SIGTERM');
	};
	process.on('exit', stop);
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	return child;
}
