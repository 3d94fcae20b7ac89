import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM } from '../../scripts/lib/chromium.js';
import en from '../../locales/en/visit.json' with { type: 'json' };
import { expectAccessible, signInPatient, signInStaff } from './helpers';

// Chromium's fake camera (a moving test pattern) and microphone (a beep), allowed without a prompt.
test.use({
	launchOptions: {
		...CHROMIUM,
		args: [...CHROMIUM.args, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
	}
});

const MEDIA = { permissions: ['camera', 'microphone'] };

/** Frames decoded from the first other participant, as the page's call statistics report them. */
const framesFrom = (page: Page) =>
	page.locator('figure.tile[data-participant]').first().getAttribute('data-frames').then(Number);

test('a p2p visit: waiting room, video both ways, audio only and back, chat both ways, an interpreter admitted, the timeline, the end', async ({
	browser
}) => {
	test.setTimeout(180_000);
	// The clinic opens check-in a week ahead, so there is a visit to join at any hour.
	const admin = 'admin@demo.anyvisit.test';
	const office = await browser.newContext();
	await signInStaff(office.request, admin);
	expect(
		(await office.request.patch('/api/v1/organization', { data: { checkInOpensMinutes: 10_080 } })).status()
	).toBe(200);
	const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
	const { items: slots } = await (
		await office.request.get(`/api/v1/slots?patientState=CO&from=${day(1)}&to=${day(6)}&modality=video`)
	).json();
	const { items: patients } = await (await office.request.get('/api/v1/patients?query=Marcus')).json();
	const booked = await office.request.post('/api/v1/appointments', {
		data: { slotId: slots.at(-1).id, patientId: patients[0].id, modality: 'video', patientState: 'CO' },
		headers: { 'idempotency-key': `visit-room-e2e-${Date.now()}` }
	});
	expect(booked.status()).toBe(201);
	const { id } = await booked.json();
	await office.close();

	// The clinician documents Marcus's verbal consent (he may also sign it himself).
	const clinicianEmail = 'maya.okafor@demo.anyvisit.test';
	const doctor = await browser.newContext(MEDIA);
	await signInStaff(doctor.request, clinicianEmail);
	const consent = await doctor.request.post(`/api/v1/appointments/${id}/consents`, {
		data: { kind: 'telehealth', method: 'verbal_clinician' }
	});
	expect(consent.status()).toBe(201);

	// Marcus checks in and enters the waiting room.
	const patientContext = await browser.newContext(MEDIA);
	const patient = await patientContext.newPage();
	await signInPatient(patient, '720 555 0103', '+17205550103');
	await patient.goto(`/visits/${id}/room`);
	await expect(patient.getByText(en['enter.check_in_needed'])).toBeVisible();
	await expectAccessible(patient);
	await patient.goto(`/visits/${id}/check-in`);
	await patient.locator('#locationState').selectOption('CO');
	await patient.locator('#setting-home').check();
	await patient.locator('form.stacked-form button[type=submit]').click();
	await patient.goto(`/visits/${id}/room`);
	await patient.getByRole('button', { name: en['enter.button'] }).click();
	await expect(patient.getByRole('heading', { name: en['waiting.title'] })).toBeVisible();
	await expect(patient.locator('html')).toHaveAttribute('data-hydrated', 'true');
	await expectAccessible(patient);
	// The permission is explained before the browser asks; then a self view.
	await expect(patient.getByText(en['permission.why'])).toBeVisible();
	await patient.getByRole('button', { name: en['permission.allow_video'] }).click();
	await expect(patient.getByText(en['permission.ready'])).toBeVisible();
	await patient.goto(`/visits/${id}/room?lang=ar`);
	await expect(patient.locator('html')).toHaveAttribute('dir', 'rtl');
	await expectAccessible(patient);
	await patient.goto(`/visits/${id}/room?lang=en`);
	await expect(patient.locator('html')).toHaveAttribute('data-hydrated', 'true');

	// The clinician sees him waiting, with his needs, and starts the visit.
	const clinician = await doctor.newPage();
	await clinician.goto('/staff/queue?lang=en');
	const row = clinician.getByRole('row', { name: /Marcus Johnson/ });
	await expect(row).toContainText(en['queue.state_waiting']);
	await expect(row).toContainText('ASL');
	await expectAccessible(clinician);
	await row.getByRole('link', { name: /Marcus Johnson/ }).click();
	await expect(clinician.locator('html')).toHaveAttribute('data-hydrated', 'true');
	await expectAccessible(clinician);
	await clinician.getByRole('button', { name: en['host.start'] }).click();

	// Video both ways, peer to peer, through the app's signalling.
	await expect(patient.locator('.room')).toHaveAttribute('data-status', 'in_progress');
	await expect(patient.getByRole('status').first()).toContainText(en['announce.started']);
	await expect.poll(() => framesFrom(patient), { timeout: 30_000 }).toBeGreaterThan(0);
	await expect.poll(() => framesFrom(clinician), { timeout: 30_000 }).toBeGreaterThan(0);
	await expectAccessible(patient);
	await expectAccessible(clinician);

	// The clinician moves the visit to audio only: no camera is sent; then back to video.
	await clinician.getByRole('button', { name: en['switch.to_audio'] }).click();
	await expect(patient.locator('.room')).toHaveAttribute('data-modality', 'audio');
	await expect(patient.getByLabel(en['media.self_view'])).toHaveCount(0);
	await expect
		.poll(async () => Number(await patient.locator('.room').getAttribute('data-video-bps')), {
			timeout: 20_000
		})
		.toBe(0);
	await expect
		.poll(async () => Number(await patient.locator('.room').getAttribute('data-audio-bps')))
		.toBeGreaterThan(0);
	await clinician.getByRole('button', { name: en['switch.to_video'] }).click();
	await expect(patient.locator('.room')).toHaveAttribute('data-modality', 'video');
	const before = await framesFrom(clinician);
	await expect.poll(() => framesFrom(clinician), { timeout: 30_000 }).toBeGreaterThan(before);

	// Chat both ways (Marcus is Deaf: chat is his main channel).
	await patient.getByLabel(en['chat.label']).fill('Hello, I will use the chat.');
	await patient.getByRole('button', { name: en['chat.send'] }).click();
	await expect(clinician.getByRole('log')).toContainText('Hello, I will use the chat.');
	await clinician.getByLabel(en['chat.label']).fill('Thank you, I will type too.');
	await clinician.getByRole('button', { name: en['chat.send'] }).click();
	await expect(patient.getByRole('log')).toContainText('Thank you, I will type too.');
	await expect(patient.getByLabel(en['chat.label'])).toHaveValue('');

	// An ASL interpreter is invited by text message and admitted by the clinician.
	const since = Date.now() - 1000;
	await clinician.getByText(en['guests.invite_title']).click();
	await clinician.getByLabel(en['guests.role']).selectOption('interpreter');
	await clinician.getByLabel(en['guests.name']).fill('Jordan Lee');
	await clinician.getByLabel(en['guests.contact']).fill('+1 720 555 0199');
	await clinician.getByRole('button', { name: en['guests.send'] }).click();
	const guestContext = await browser.newContext(MEDIA);
	let link = '';
	await expect
		.poll(async () => {
			const { messages } = await (await guestContext.request.get('/dev/outbox.json')).json();
			const sms = (messages as { to: string; body: string; createdAt: string }[]).find(
				(m) => m.to === '+17205550199' && Date.parse(m.createdAt) >= since
			);
			link = sms ? /\/guest\/[a-z2-7]{32}/.exec(sms.body)![0] : '';
			return link;
		})
		.not.toBe('');
	const guest = await guestContext.newPage();
	await guest.goto(`${link}?lang=en`);
	await expectAccessible(guest);
	await guest.getByRole('button', { name: en['guest.join'] }).click();
	await expect(guest).toHaveURL(new RegExp(`/visits/${id}/room`));
	await expect(guest.getByRole('heading', { name: en['waiting.title'] })).toBeVisible();
	await expect(guest.locator('.room')).toHaveAttribute('data-status', 'in_progress');
	await expectAccessible(guest);
	await clinician.getByRole('button', { name: en['guests.admit'].replace('{{name}}', 'Jordan Lee') }).click();
	await expect(
		guest.getByRole('heading', { name: en['in.title'].replace('{{modality}}', en['modality.video']) })
	).toBeVisible();
	await expect(clinician.locator('section[aria-labelledby="people-heading"]')).toContainText(
		`Jordan Lee — ${en['role.interpreter']}`
	);
	await expect.poll(() => framesFrom(guest), { timeout: 30_000 }).toBeGreaterThan(0);
	await expect(guest.getByRole('log')).toContainText('Hello, I will use the chat.');

	// The interpreter's browser vanishes: the others see them go, and the visit goes on.
	await guestContext.close();
	await expect(clinician.locator('section[aria-labelledby="people-heading"]')).not.toContainText(
		'Jordan Lee',
		{
			timeout: 20_000
		}
	);

	// The timeline has every segment, in order.
	const timeline = await (await doctor.request.get(`/api/v1/visits/${id}/timeline`)).json();
	expect(timeline.segments.map((s: { modality: string }) => s.modality)).toEqual(['video', 'audio', 'video']);
	expect(timeline.segments[0].end).toBe(timeline.segments[1].start);
	expect(timeline.segments.at(-1).end).toBeNull();

	// Marcus opens the visit in a second tab: the first one steps aside and says so.
	const secondTab = await patientContext.newPage();
	await secondTab.goto(`/visits/${id}/room`);
	await expect(patient.getByRole('alert')).toContainText(en['link.superseded']);
	await expect.poll(() => framesFrom(secondTab), { timeout: 30_000 }).toBeGreaterThan(0);
	// The visit page in Arabic (right to left), for the patient and the clinician, mid-visit.
	for (const page of [secondTab, clinician]) {
		const path = page === clinician ? `/staff/visits/${id}/room` : `/visits/${id}/room`;
		await page.goto(`${path}?lang=ar`);
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
		await expectAccessible(page);
		await page.goto(`${path}?lang=en`);
		await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
	}
	await expect.poll(() => framesFrom(secondTab), { timeout: 30_000 }).toBeGreaterThan(0);

	// The clinician ends the visit: each side sees what comes next; the guest link is spent.
	await clinician.getByRole('button', { name: en['host.end'] }).click();
	await expect(secondTab.getByRole('heading', { name: en['ended.title'] })).toBeVisible();
	await expect(secondTab.getByRole('link', { name: en['ended.book'] })).toBeVisible();
	await expect(clinician.getByText(en['ended.host_next'])).toBeVisible();
	await expectAccessible(secondTab);
	const ended = await (await doctor.request.get(`/api/v1/visits/${id}/timeline`)).json();
	expect(ended.status).toBe('ended');
	expect(ended.segments.at(-1).end).not.toBeNull();
	const lateContext = await browser.newContext();
	const late = await lateContext.newPage();
	const spent = await late.goto(link);
	expect(spent?.status()).toBe(410);
	await expectAccessible(late);
	await lateContext.close();

	// No media SDK was loaded for peer-to-peer video.
	const scripts = await patient.evaluate(() =>
		performance
			.getEntriesByType('resource')
			.map((e) => e.name)
			.join(' ')
	);
	expect(scripts).not.toMatch(/twilio-video|voice-sdk/i);
	await Promise.all([doctor.close(), patientContext.close()]);
});
