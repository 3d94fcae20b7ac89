// Builds the app and the CLI tools when the sources changed since the last build (or there is none).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const STAMP = path.join(ROOT, 'build', '.fingerprint');
const INPUTS = [
	'src',
	'static',
	'locales',
	'telephony',
	'svelte.config.js',
	'vite.config.ts',
	'vite.cli.config.ts',
	'package-lock.json'
];

function* files(entry) {
	const full = path.join(ROOT, entry);
	if (!fs.existsSync(full)) return;
	if (fs.statSync(full).isDirectory()) {
		for (const name of fs.readdirSync(full).sort()) yield* files(path.join(entry, name));
	} else {
		yield entry;
	}
}

export function sourceFingerprint() {
	const hash = createHash('sha256');
	for (const input of INPUTS) {
		for (const file of files(input))
			hash
				.update(file)
				.update('\0')
				.update(fs.readFileSync(path.join(ROOT, file)));
	}
	return hash.digest('hex');
}

function run(args) {
	const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
	if (!fs.existsSync(vite)) {
		throw new Error('The build is missing or stale and vite is not installed: run `npm install` first.');
	}
	const result = spawnSync(process.execPath, [vite, ...args], { cwd: ROOT, stdio: 'inherit' });
	if (result.status !== 0) throw new Error(`vite ${args.join(' ')} failed`);
}

/** Builds unless build/ matches the current sources. Returns true when it built. */
export function buildIfNeeded({ quiet = false } = {}) {
	const fingerprint = sourceFingerprint();
	const current = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, 'utf8') : '';
	if (current === fingerprint && fs.existsSync(path.join(ROOT, 'build', 'cli', 'migrate.js'))) return false;
	if (!quiet) process.stdout.write('Building AnyVisit (sources changed since the last build)...\n');
	run(['build', '--logLevel', 'warn']);
	run(['build', '--config', 'vite.cli.config.ts']);
	fs.writeFileSync(STAMP, fingerprint);
	return true;
}

if (process.argv[1] === import.meta.filename) {
	buildIfNeeded();
}
