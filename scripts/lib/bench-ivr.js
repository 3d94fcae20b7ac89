// The phone line's figures for `npm run bench`: 50 calls at once, each walking the whole check-in
// (language, caller ID, birth date, place, consent when asked, hold) through the signed webhooks of a
// running development server. Twilio waits 15 s for an answer; the target is under 50 ms at p99.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { staffSignIn } from './demo-session.js';

const DEVELOPMENT_TOKEN = 'anyvisit-development-twilio-token';
const CALLS = 50;

/** @param {number[]} sorted @param {number} p */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** @param {import('playwright-core').APIRequestContext} office @param {string} base */
export async function ivrFigures(office, base) {
	await staffSignIn(office, 'admin@demo.anyvisit.test');
	await office.patch('/api/v1/organization', { data: { checkInOpensMinutes: 10_080 } });
	const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
	const { items: slots } = await (
		await office.get(`/api/v1/slots?patientState=WI&from=${day(1)}&to=${day(6)}&modality=phone`)
	).json();
	const { items: patients } = await (await office.get('/api/v1/patients?query=Dorothy')).json();
	await office.post('/api/v1/appointments', {
		data: { slotId: slots[0].id, patientId: patients[0].id, modality: 'phone', patientState: 'WI' },
		headers: { 'idempotency-key': `bench-ivr-${Date.now()}` }
	});

	/** @type {number[]} */
	const times = [];
	let held = 0;
	/** @param {string} path @param {Record<string, string>} params */
	const webhook = async (path, params) => {
		const url = `${base}${path}`;
		const started = performance.now();
		const response = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'x-twilio-signature': twilio.getExpectedTwilioSignature(DEVELOPMENT_TOKEN, url, params)
			},
			body: new URLSearchParams(params).toString()
		});
		const twiml = await response.text();
		times.push(performance.now() - started);
		if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
		return twiml;
	};
	/** @param {number} pauseMs the caller's time to listen and press (0: back to back) */
	const walk = async (pauseMs) => {
		const listen = () =>
			pauseMs ? new Promise((resolve) => setTimeout(resolve, pauseMs * (0.5 + Math.random()))) : null;
		const call = {
			CallSid: `CA${randomBytes(16).toString('hex')}`,
			From: '+16085550104',
			To: '+15005550006'
		};
		await listen();
		await webhook('/telephony/voice/incoming', call);
		let twiml = '';
		for (const digits of ['1', '06051943', '1', '1']) {
			await listen();
			twiml = await webhook('/telephony/voice/gather', { ...call, Digits: digits });
			if (twiml.includes('<Conference')) break;
		}
		if (twiml.includes('<Conference')) held++;
	};
	/** 50 calls at once; `pauseMs` between each caller's prompts. */
	const run = async (pauseMs) => {
		times.length = 0;
		held = 0;
		const started = performance.now();
		await Promise.all(Array.from({ length: CALLS }, () => walk(pauseMs)));
		const seconds = (performance.now() - started) / 1000;
		const sorted = [...times].sort((a, b) => a - b);
		return {
			calls: CALLS,
			reachedHold: held,
			webhooks: times.length,
			p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
			p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
			webhooksPerSecond: Math.round(times.length / seconds)
		};
	};
	// As callers do: each listens to a prompt (about 1 s here; seconds on a real call) before pressing.
	const paced = await run(1000);
	// Back to back: every call's next webhook the moment the last was answered (the line saturated).
	const burst = await run(0);
	return { paced, burst };
}
