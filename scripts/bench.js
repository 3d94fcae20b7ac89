// `npm run bench`: figures, not pass/fail. Prints a table and writes bench-results.json.
//  - JavaScript (gzip) each patient page loads, measured in Chromium against the production build,
//    and the PHQ-9 form's time to interactive on slow 3G with a 4x slower CPU;
//  - outbox delivery throughput on PGlite (and PostgreSQL when BENCH_DATABASE_URL is set);
//  - sign-in cost (Argon2id per hash) and session validations per second;
//  - the visit room: join to waiting room on slow 3G, its JavaScript before and after the call starts,
//    and what a peer-to-peer call sends (audio only; video in low-bandwidth mode);
//  - the phone line: webhook response times with 50 calls walking check-in at once;
//  - the billing engine: evaluations per second on one core.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './lib/chromium.js';
import { buildIfNeeded } from './build-if-needed.js';
import { START_PAGE_JS_BUDGET, measureScripts } from './lib/page-weight.js';
import { patientSignIn, staffSignIn } from './lib/demo-session.js';
import { visitRoomFigures } from './lib/bench-visit.js';
import { ivrFigures } from './lib/bench-ivr.js';

const PORT = 4193;
const BASE = `http://127.0.0.1:${PORT}`;
const DATA_DIR = '.tmp/bench-data';
const PATIENT_PAGES = [
	{ page: 'start page (en)', path: '/?lang=en' },
	{ page: 'start page (ar)', path: '/?lang=ar' },
	{ page: 'offline page', path: '/offline' }
];

buildIfNeeded();

async function waitReady() {
	for (let i = 0; i < 120; i++) {
		const status = await fetch(`${BASE}/readyz`).then(
			(r) => r.status,
			() => 0
		);
		if (status === 200) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error('the server did not become ready');
}

async function pageWeights() {
	fs.rmSync(DATA_DIR, { recursive: true, force: true });
	const server = spawn(process.execPath, ['scripts/serve.js'], {
		env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR, LOG_LEVEL: 'warn' },
		stdio: 'ignore'
	});
	try {
		await waitReady();
		const browser = await chromium.launch(CHROMIUM);
		const rows = [];
		for (const { page: name, path } of PATIENT_PAGES) {
			const context = await browser.newContext({ serviceWorkers: 'block' });
			const page = await context.newPage();
			const { gzip, raw, scripts } = await measureScripts(page, BASE + path);
			rows.push({ page: name, path, scripts: scripts.length, jsRawBytes: raw, jsGzipBytes: gzip });
			await context.close();
		}
		rows.push(...(await previsitPages(browser)));
		await browser.close();
		visit = await visitRoomFigures(BASE);
		const office = await (await chromium.launch(CHROMIUM)).newContext({ baseURL: BASE });
		ivr = await ivrFigures(office.request, BASE);
		await office.browser()?.close();
		return rows;
	} finally {
		server.kill('SIGTERM');
	}
}

/**
 * The pre-visit pages a signed-in patient loads (check-in, consent, intake list, the PHQ-9 form and
 * the readiness check),
 * and the PHQ-9 form's time to interactive (its script ready to keep answers) on slow 3G (400 kbps,
 * 400 ms round trip) with the CPU slowed four times, as a low-end phone on a weak signal.
 */
async function previsitPages(browser) {
	const staff = await browser.newContext({ baseURL: BASE });
	await staffSignIn(staff.request, 'admin@demo.anyvisit.test');
	await staff.request.patch('/api/v1/organization', { data: { checkInOpensMinutes: 10_080 } });
	const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
	const { items: types } = await (await staff.request.get('/api/v1/visit-types')).json();
	const behavioural = types.find((t) => t.code === 'behavioral-health');
	const { items: slots } = await (
		await staff.request.get(
			`/api/v1/slots?patientState=IL&from=${day(1)}&to=${day(7)}&modality=video&visitType=${behavioural.id}`
		)
	).json();
	const { items: patients } = await (await staff.request.get('/api/v1/patients?query=Layla')).json();
	const booked = await staff.request.post('/api/v1/appointments', {
		data: {
			slotId: slots[0].id,
			patientId: patients[0].id,
			modality: 'video',
			patientState: 'IL',
			visitType: behavioural.id
		},
		headers: { 'idempotency-key': `bench-${Date.now()}` }
	});
	const { id } = await booked.json();
	await staff.close();

	const context = await browser.newContext({ baseURL: BASE, serviceWorkers: 'block' });
	const page = await context.newPage();
	await patientSignIn(page, '312 555 0102', '+13125550102');
	const rows = [];
	for (const [name, path] of [
		['check-in', `/visits/${id}/check-in`],
		['consent', `/visits/${id}/consent`],
		['intake list', `/visits/${id}/intake`],
		['intake PHQ-9 form', `/visits/${id}/intake/phq-9`],
		['readiness check', `/visits/${id}/readiness`]
	]) {
		const { gzip, raw, scripts } = await measureScripts(page, BASE + path);
		rows.push({
			page: name,
			path: '/visits/{id}/' + path.split('/').slice(3).join('/'),
			scripts: scripts.length,
			jsRawBytes: raw,
			jsGzipBytes: gzip,
			budget: true
		});
	}
	const cdp = await context.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', {
		offline: false,
		latency: 400,
		downloadThroughput: (400 * 1024) / 8,
		uploadThroughput: (400 * 1024) / 8
	});
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	await page.goto(`${BASE}/visits/${id}/intake/phq-9`, { waitUntil: 'commit' });
	await page.waitForFunction(() => performance.getEntriesByName('anyvisit:intake-ready').length > 0, null, {
		timeout: 120_000
	});
	intakeInteractiveMs = Math.round(
		await page.evaluate(() => performance.getEntriesByName('anyvisit:intake-ready')[0].startTime)
	);
	await context.close();
	return rows;
}

let intakeInteractiveMs = 0;
/** @type {Awaited<ReturnType<typeof visitRoomFigures>> | undefined} */
let visit;
/** @type {Awaited<ReturnType<typeof ivrFigures>> | undefined} */
let ivr;
const pages = await pageWeights();
const outbox = JSON.parse(
	execFileSync(process.execPath, ['build/cli/bench-outbox.js'], { encoding: 'utf8', env: process.env }).trim()
);

const identity = JSON.parse(
	execFileSync(process.execPath, ['build/cli/bench-identity.js'], {
		encoding: 'utf8',
		env: process.env
	}).trim()
);

const billing = JSON.parse(
	execFileSync(process.execPath, ['build/cli/bench-billing.js'], {
		encoding: 'utf8',
		env: process.env
	}).trim()
);

const scheduling = JSON.parse(
	execFileSync(process.execPath, ['build/cli/bench-scheduling.js'], {
		encoding: 'utf8',
		env: process.env
	}).trim()
);

// Medplum's libraries (the sandbox EHR) need a global WebSocket: Node 20 has it behind this flag.
const ehr = JSON.parse(
	execFileSync(
		process.execPath,
		['--experimental-websocket', '--no-warnings=ExperimentalWarning', 'build/cli/bench-ehr.js'],
		{
			encoding: 'utf8',
			env: process.env
		}
	).trim()
);

const kb = (n) => (n / 1024).toFixed(1);
process.stdout.write('\nJavaScript loaded by patient pages (Chromium, production build)\n');
console.table(
	pages.map((p) => ({
		page: p.page,
		scripts: p.scripts,
		'raw KB': kb(p.jsRawBytes),
		'gzip KB': kb(p.jsGzipBytes),
		'budget KB': p.path.startsWith('/?') || p.budget ? kb(START_PAGE_JS_BUDGET) : ''
	}))
);
process.stdout.write(
	`PHQ-9 form interactive on slow 3G (400 kbps, 400 ms RTT) with 4x CPU slowdown: ${intakeInteractiveMs} ms\n`
);
if (visit) {
	process.stdout.write('Visit room (peer-to-peer on Chromium’s fake camera and microphone)\n');
	console.table([
		{
			'join → waiting room ms (slow 3G, 4x CPU)': visit.joinToWaitingRoomMs,
			'page JS gzip KB': kb(visit.pageBeforeCall.gzip),
			'added by the call KB': kb(visit.addedWhenCallStarts.gzip),
			'audio-only send kbps': visit.audioOnlySendKbps,
			'low-bandwidth video send kbps': visit.lowBandwidthVideoSendKbps
		}
	]);
}
if (ivr) {
	process.stdout.write('Phone line: 50 calls at once walking check-in through the signed voice webhooks\n');
	console.table(
		Object.entries(ivr).map(([pace, figures]) => ({
			callers: pace === 'paced' ? 'listen ~1 s per prompt' : 'back to back',
			calls: figures.calls,
			'reached hold': figures.reachedHold,
			webhooks: figures.webhooks,
			'p50 ms': figures.p50Ms,
			'p99 ms': figures.p99Ms,
			'webhooks/s': figures.webhooksPerSecond
		}))
	);
}
process.stdout.write('Billing engine on one core (a mix of payers, dates and modalities)\n');
console.table([
	{
		evaluations: billing.evaluations,
		'evaluations/s': billing.perSecond,
		target: '> 10,000',
		'837P claims': billing.claims,
		'837P total ms': billing.claimsMs,
		'bytes per claim': billing.claimBytes
	}
]);
process.stdout.write('Outbox delivery throughput (one worker, development sink)\n');
console.table(
	outbox.map((o) => ({
		database: o.database,
		messages: o.messages,
		'enqueued/s': o.enqueuePerSecond,
		'delivered/s': o.deliveredPerSecond
	}))
);

process.stdout.write('Sign-in cost and session validation\n');
console.table([
	{
		'Argon2id hash ms': identity.argon2idHashMs,
		'Argon2id verify ms': identity.argon2idVerifyMs,
		parameters: identity.argon2idParameters,
		'session validations/s': identity.sessionValidationsPerSecond
	}
]);

process.stdout.write('Slot search (200 clinicians, 30 days) and 100 clients racing for 10 slots\n');
console.table(
	scheduling.map((s) => ({
		database: s.database,
		'slots found': s.slotsFound,
		'search p50 ms': s.searchP50Ms,
		'search p95 ms': s.searchP95Ms,
		booked: s.booked,
		'409s': s.conflicts,
		'other errors': s.otherErrors
	}))
);

process.stdout.write(
	'Patient chart from the sandbox EHR (50 ms per request) and appointment sync through the outbox\n'
);
console.table([
	{
		'chart loads': ehr.chart.loads,
		'chart p50 ms': ehr.chart.p50Ms,
		'chart p95 ms': ehr.chart.p95Ms,
		'appointments synced': ehr.sync.delivered,
		'not delivered': ehr.sync.notDelivered,
		'synced/s': ehr.sync.perSecond
	}
]);

const results = {
	measuredAt: new Date().toISOString(),
	node: process.version,
	pages,
	intakeInteractiveMs,
	visit,
	ivr,
	billing,
	outbox,
	identity,
	scheduling,
	ehr
};
fs.writeFileSync('bench-results.json', JSON.stringify(results, null, '\t') + '\n');
process.stdout.write('Wrote bench-results.json\n');
