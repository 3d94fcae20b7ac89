// `node scripts/record-prompts.js [lng] [--manifest-only]`: records the phone line's prompts for a
// language that Twilio's text-to-speech has no voice for (Haitian Creole, `ht`), so the IVR can <Play>
// them instead of <Say>.
//
// These are machine recordings made with espeak-ng: stand-ins until a native speaker records the same
// file names (see static/audio/README.md). Each literal part of an ivr.json text becomes
// static/audio/<lng>/<key>.<n>.wav; the {{digit}} and {{state}} parameters get digit/<d>.wav and
// state/<CODE>.wav. manifest.json maps every file to a hash of the text it speaks, so the test suite
// notices when a locale text changed without a re-recording.
//
// espeak-ng (`apt-get install espeak-ng`) is needed only on the machine that runs this script: the
// recordings are committed, and CI never runs it. `--manifest-only` leaves the audio alone (e.g. after
// a native speaker recorded over the files) and only recomputes the manifest.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT_RATE = 8000;
/** Silence kept before the first and after the last sound, in seconds. */
const KEEP_SILENCE = 0.15;
/** What counts as sound when trimming: about -36 dBFS. */
const SILENCE_LEVEL = 512;

const args = process.argv.slice(2);
const manifestOnly = args.includes('--manifest-only');
const positional = args.filter((a) => !a.startsWith('--'));
const unknown = args.filter((a) => a.startsWith('--') && a !== '--manifest-only');
if (unknown.length > 0 || positional.length > 1) {
	fail('usage: node scripts/record-prompts.js [lng] [--manifest-only]');
}
const lng = positional[0] ?? 'ht';
if (!/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(lng)) fail(`not a language code: ${lng}`);

const OUT_DIR = path.join(ROOT, 'static', 'audio', lng);

function fail(message) {
	process.stderr.write(`record-prompts: ${message}\n`);
	process.exit(1);
}

function readLocale(namespace) {
	const file = path.join(ROOT, 'locales', lng, `${namespace}.json`);
	if (!fs.existsSync(file)) fail(`${path.relative(ROOT, file)} not found`);
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Every file to record, as relative path → the exact text spoken. */
function prompts() {
	const ivr = readLocale('ivr');
	const scheduling = readLocale('scheduling');
	const files = new Map();
	const params = new Set();
	for (const [key, text] of Object.entries(ivr)) {
		const parts = text.split(/\{\{\s*(\w+)\s*\}\}/);
		for (let i = 0; i < parts.length; i++) {
			if (i % 2 === 1) {
				params.add(parts[i]);
				continue;
			}
			const spoken = parts[i].trim();
			if (!/[\p{L}\p{N}]/u.test(spoken)) continue;
			files.set(`${key}.${i / 2}.wav`, spoken);
		}
	}
	for (const param of params) {
		if (param === 'digit') {
			for (let d = 0; d <= 9; d++) files.set(`digit/${d}.wav`, String(d));
		} else if (param === 'state') {
			for (const [key, name] of Object.entries(scheduling)) {
				const code = /^state\.([A-Z]{2})$/.exec(key)?.[1];
				if (code) files.set(`state/${code}.wav`, name.trim());
			}
		} else {
			fail(`ivr.json uses {{${param}}}, which this script has no recordings for`);
		}
	}
	return files;
}

function textHash(text) {
	return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

function checkEspeak() {
	let voices;
	try {
		voices = execFileSync('espeak-ng', [`--voices=${lng}`], { encoding: 'utf8' });
	} catch (error) {
		if (error.code === 'ENOENT') fail('espeak-ng is not installed (apt-get install espeak-ng)');
		throw error;
	}
	const has = voices.split('\n').some((line) => line.trim().split(/\s+/)[1] === lng);
	if (!has) fail(`espeak-ng has no voice for "${lng}" (espeak-ng --voices lists them)`);
}

/** Parses a PCM WAV file: finds the `fmt ` and `data` chunks wherever they are. */
function parseWav(buf, name) {
	if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
		throw new Error(`${name}: not a RIFF/WAVE file`);
	}
	let fmt = null;
	let data = null;
	let at = 12;
	while (at + 8 <= buf.length) {
		const id = buf.toString('ascii', at, at + 4);
		const size = buf.readUInt32LE(at + 4);
		const start = at + 8;
		// espeak-ng writing to a pipe leaves the sizes at 0x7fffffff: take what is there.
		const end = Math.min(start + size, buf.length);
		if (id === 'fmt ') {
			fmt = {
				format: buf.readUInt16LE(start),
				channels: buf.readUInt16LE(start + 2),
				rate: buf.readUInt32LE(start + 4),
				bits: buf.readUInt16LE(start + 14)
			};
		} else if (id === 'data') {
			data = buf.subarray(start, end);
			break;
		}
		at = start + size + (size % 2);
	}
	if (!fmt || !data) throw new Error(`${name}: no fmt or data chunk`);
	return { ...fmt, data };
}

/** 16-bit PCM, any channel count → mono float samples in [-32768, 32767]. */
function monoSamples({ format, channels, bits, data }, name) {
	if (format !== 1 || bits !== 16)
		throw new Error(`${name}: expected 16-bit PCM, got format ${format}/${bits}-bit`);
	const frames = Math.floor(data.length / (2 * channels));
	const out = new Float64Array(frames);
	for (let f = 0; f < frames; f++) {
		let sum = 0;
		for (let c = 0; c < channels; c++) sum += data.readInt16LE((f * channels + c) * 2);
		out[f] = sum / channels;
	}
	return out;
}

/**
 * Band-limited resampling: each output sample is a windowed-sinc (Blackman) weighted sum of the
 * input samples around it, with the cutoff below the output's Nyquist frequency, so nothing aliases.
 */
function resample(input, inRate, outRate) {
	if (inRate === outRate) return input;
	const cutoff = 0.45 * Math.min(inRate, outRate); // Hz; 3600 Hz for 8 kHz output
	const halfWidth = 8 / (2 * cutoff); // seconds: eight zero crossings of the sinc on each side
	const outLength = Math.floor((input.length * outRate) / inRate);
	const out = new Float64Array(outLength);
	for (let n = 0; n < outLength; n++) {
		const t = n / outRate;
		const first = Math.max(0, Math.ceil((t - halfWidth) * inRate));
		const last = Math.min(input.length - 1, Math.floor((t + halfWidth) * inRate));
		let sum = 0;
		let weights = 0;
		for (let k = first; k <= last; k++) {
			const tau = k / inRate - t;
			const x = 2 * cutoff * tau;
			const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
			const w =
				0.42 + 0.5 * Math.cos((Math.PI * tau) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * tau) / halfWidth);
			const h = sinc * w;
			sum += input[k] * h;
			weights += h;
		}
		out[n] = weights === 0 ? 0 : sum / weights;
	}
	return out;
}

/** Drops silence beyond KEEP_SILENCE at both ends. */
function trimSilence(samples, rate) {
	let first = 0;
	while (first < samples.length && Math.abs(samples[first]) < SILENCE_LEVEL) first++;
	if (first === samples.length) return samples;
	let last = samples.length - 1;
	while (last > first && Math.abs(samples[last]) < SILENCE_LEVEL) last--;
	const keep = Math.round(KEEP_SILENCE * rate);
	return samples.subarray(Math.max(0, first - keep), Math.min(samples.length, last + 1 + keep));
}

/** A canonical 44-byte-header WAV: PCM, mono, 16-bit. */
function encodeWav(samples, rate) {
	const buf = Buffer.alloc(44 + samples.length * 2);
	buf.write('RIFF', 0, 'ascii');
	buf.writeUInt32LE(36 + samples.length * 2, 4);
	buf.write('WAVE', 8, 'ascii');
	buf.write('fmt ', 12, 'ascii');
	buf.writeUInt32LE(16, 16);
	buf.writeUInt16LE(1, 20); // PCM
	buf.writeUInt16LE(1, 22); // mono
	buf.writeUInt32LE(rate, 24);
	buf.writeUInt32LE(rate * 2, 28); // bytes per second
	buf.writeUInt16LE(2, 32); // bytes per frame
	buf.writeUInt16LE(16, 34); // bits per sample
	buf.write('data', 36, 'ascii');
	buf.writeUInt32LE(samples.length * 2, 40);
	for (let i = 0; i < samples.length; i++) {
		buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]))), 44 + i * 2);
	}
	return buf;
}

function record(text, tmpFile) {
	execFileSync('espeak-ng', ['-v', lng, '-w', tmpFile, '--', text], { stdio: ['ignore', 'ignore', 'pipe'] });
	const wav = parseWav(fs.readFileSync(tmpFile), text);
	const samples = resample(monoSamples(wav, text), wav.rate, OUT_RATE);
	return encodeWav(trimSilence(samples, OUT_RATE), OUT_RATE);
}

/** Every .wav under dir, as paths relative to dir with forward slashes. */
function wavFiles(dir, prefix = '') {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		if (entry.isDirectory()) return wavFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`);
		return entry.name.endsWith('.wav') ? [`${prefix}${entry.name}`] : [];
	});
}

const files = prompts();

if (manifestOnly) {
	const missing = [...files.keys()].filter((file) => !fs.existsSync(path.join(OUT_DIR, file)));
	if (missing.length > 0) fail(`missing recordings in static/audio/${lng}/:\n  ${missing.join('\n  ')}`);
	for (const file of files.keys()) {
		const wav = parseWav(fs.readFileSync(path.join(OUT_DIR, file)), file);
		if (wav.format !== 1 || wav.channels !== 1 || wav.rate !== OUT_RATE || wav.bits !== 16) {
			fail(`${file}: must be ${OUT_RATE} Hz 16-bit mono PCM WAV`);
		}
	}
} else {
	checkEspeak();
	const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-prompts-'));
	try {
		const tmpFile = path.join(tmpDir, 'out.wav');
		for (const [file, text] of files) {
			const target = path.join(OUT_DIR, file);
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.writeFileSync(target, record(text, tmpFile));
		}
	} finally {
		fs.rmSync(tmpDir, { recursive: true, force: true });
	}
	for (const stale of wavFiles(OUT_DIR).filter((file) => !files.has(file))) {
		fs.rmSync(path.join(OUT_DIR, stale));
	}
	for (const entry of fs.readdirSync(OUT_DIR, { withFileTypes: true })) {
		const dir = path.join(OUT_DIR, entry.name);
		if (entry.isDirectory() && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
	}
}

const manifest = Object.fromEntries(
	[...files.keys()].sort().map((file) => [file, textHash(files.get(file))])
);
fs.writeFileSync(path.join(OUT_DIR, 'manifest.json'), JSON.stringify(manifest, null, '\t') + '\n');

const bytes = [...files.keys()].reduce((sum, file) => sum + fs.statSync(path.join(OUT_DIR, file)).size, 0);
process.stdout.write(
	`record-prompts: ${manifestOnly ? 'manifest refreshed for' : 'recorded'} ${files.size} files in ` +
		`static/audio/${lng}/, ${Math.round(bytes / 1024)} KB\n`
);
