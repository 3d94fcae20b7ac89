// The visit room's figures for `npm run bench`, on a running development server with the demo data:
//  - time from tapping "Enter the waiting room" to being in it, on slow 3G (400 kbps, 400 ms round
//    trip) with the CPU slowed four times;
//  - JavaScript (gzip) of the visit page before the call and what the call adds when it starts;
//  - what a peer-to-peer call sends (WebRTC getStats, as the page reports it): audio only, and video
//    in low-bandwidth mode, each averaged over ten seconds on Chromium's fake camera and microphone.
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './chromium.js';
import { patientSignIn, staffSignIn } from './demo-session.js';

const SLOW_3G = {
	offline: false,
	latency: 400,
	downloadThroughput: (400 * 1024) / 8,
	uploadThroughput: (400 * 1024) / 8
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects the scripts a page fetches while `during` runs. @param {import('playwright-core').Page} page */
async function scriptsDuring(page, during) {
	/** @type {Promise<number | null>[]} */
	const sizes = [];
	/** @param {import('playwright-core').Response} response */
	const onResponse = (response) => {
		if (response.request().resourceType() === 'script')
			sizes.push(
				response.body().then(
					(body) => zlib.gzipSync(body, { level: 9 }).length,
					// A script of a page navigated away from before it finished: not this page's.
					() => null
				)
			);
	};
	page.on('response', onResponse);
	await during();
	page.off('response', onResponse);
	const all = (await Promise.all(sizes)).filter((n) => n !== null);
	return { scripts: all.length, gzip: all.reduce((a, b) => a + b, 0) };
}

/** The mean of what the page reports sending (data-audio-bps / data-video-bps) over `seconds`. */
async function meanSent(page, attribute, seconds) {
	const samples = [];
	for (let i = 0; i < seconds / 2; i++) {
		await sleep(2000);
		const value = Number(await page.locator('.room').getAttribute(attribute));
		if (Number.isFinite(value)) samples.push(value);
	}
	return Math.round(samples.reduce((a, b) => a + b, 0) / Math.max(samples.length, 1));
}

/** @param {string} base */
export async function visitRoomFigures(base) {
	const browser = await chromium.launch({
		...CHROMIUM,
		args: [...CHROMIUM.args, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
	});
	const media = {
		baseURL: base,
		serviceWorkers: /** @type {const} */ ('block'),
		permissions: ['camera', 'microphone']
	};
	try {
		const office = await browser.newContext({ baseURL: base });
		await staffSignIn(office.request, 'admin@demo.anyvisit.test');
		await office.request.patch('/api/v1/organization', { data: { checkInOpensMinutes: 10_080 } });
		const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
		const { items: slots } = await (
			await office.request.get(`/api/v1/slots?patientState=CO&from=${day(1)}&to=${day(7)}&modality=video`)
		).json();
		const { items: patients } = await (await office.request.get('/api/v1/patients?query=Marcus')).json();
		const booked = await office.request.post('/api/v1/appointments', {
			data: { slotId: slots[0].id, patientId: patients[0].id, modality: 'video', patientState: 'CO' },
			headers: { 'idempotency-key': `bench-visit-${Date.now()}` }
		});
		const { id } = await booked.json();
		await office.close();

		const doctor = await browser.newContext(media);
		await staffSignIn(doctor.request, 'maya.okafor@demo.anyvisit.test');
		await doctor.request.post(`/api/v1/appointments/${id}/consents`, {
			data: { kind: 'telehealth', method: 'verbal_clinician' }
		});

		const patientContext = await browser.newContext(media);
		const patient = await patientContext.newPage();
		await patientSignIn(patient, '720 555 0103', '+17205550103');
		await patient.goto(`/visits/${id}/check-in`);
		await patient.locator('#locationState').selectOption('CO');
		await patient.locator('#setting-home').check();
		await patient.locator('form.stacked-form button[type=submit]').click();
		await patient.waitForURL((url) => !url.pathname.endsWith('/check-in'));
		await patient.waitForLoadState('networkidle');

		// Before the call: the visit page as the patient loads it.
		const before = await scriptsDuring(patient, () =>
			patient.goto(`/visits/${id}/room`, { waitUntil: 'networkidle' })
		);
		const cdp = await patientContext.newCDPSession(patient);
		await cdp.send('Network.enable');
		await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
		await patient.locator('html[data-hydrated="true"]').waitFor();
		const tapped = Date.now();
		await patient.locator('form[action="?/enter"] button').click();
		await patient.locator('.room[data-status="waiting"]').waitFor({ timeout: 120_000 });
		const joinToWaitingMs = Date.now() - tapped;
		await cdp.send('Network.emulateNetworkConditions', {
			...SLOW_3G,
			latency: 0,
			downloadThroughput: -1,
			uploadThroughput: -1
		});
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
		await patient.locator('html[data-hydrated="true"]').waitFor();

		const clinician = await doctor.newPage();
		await clinician.goto(`/staff/visits/${id}/room`);
		await clinician.locator('html[data-hydrated="true"]').waitFor();
		// What starting the call adds to the patient's page (the provider's code, loaded only now).
		const added = await scriptsDuring(patient, async () => {
			await clinician.locator('form[action="?/start"] button').click();
			await patient.waitForFunction(
				() =>
					Number(document.querySelector('figure.tile[data-participant]')?.getAttribute('data-frames')) > 0,
				null,
				{ timeout: 60_000 }
			);
		});
		const videoBps = await meanSent(patient, 'data-video-bps', 10);
		await clinician.locator('.switches form:has(input[value="audio"]) button').click();
		await patient.locator('.room[data-modality="audio"]').waitFor();
		// Measured once the camera has stopped sending (the page's next statistics say 0).
		await patient.locator('.room[data-video-bps="0"]').waitFor({ timeout: 20_000 });
		const audioBps = await meanSent(patient, 'data-audio-bps', 10);
		await clinician.locator('form[action="?/end"] button').click();
		await patient.locator('.room[data-status="ended"]').waitFor();
		return {
			joinToWaitingRoomMs: joinToWaitingMs,
			pageBeforeCall: before,
			addedWhenCallStarts: added,
			audioOnlySendKbps: Math.round(audioBps / 100) / 10,
			lowBandwidthVideoSendKbps: Math.round(videoBps / 100) / 10
		};
	} finally {
		await browser.close();
	}
}
