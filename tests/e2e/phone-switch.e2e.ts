import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM } from '../../scripts/lib/chromium.js';
import en from '../../locales/en/visit.json' with { type: 'json' };
import vi from '../../locales/vi/visit.json' with { type: 'json' };
import staff from '../../locales/en/staff.json' with { type: 'json' };
import billingText from '../../locales/en/billing.json' with { type: 'json' };
import { validateResource } from '@medplum/core';
import { loadFhirDefinitions } from '../../src/sandbox-ehr/definitions';
import { E2E_EHR_PORT, E2E_PORT } from '../../playwright.config';
import ivr from '../../locales/vi/ivr.json' with { type: 'json' };
import { expectAccessible, signInPatient, signInStaff } from './helpers';

// Chromium's fake camera and microphone, allowed without a prompt.
test.use({
	launchOptions: {
		...CHROMIUM,
		args: [...CHROMIUM.args, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
	}
});

const MEDIA = { permissions: ['camera', 'microphone'] };
const framesFrom = (page: Page) =>
	page.locator('figure.tile[data-participant]').first().getAttribute('data-frames').then(Number);

test('a p2p video visit moves to the phone when the patient answers the clinic’s call, back to video ends the call, the signed note reaches the EHR (DocumentReference and MDM^T02), and the biller codes it by keyboard', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const office = await browser.newContext();
	await signInStaff(office.request, 'admin@demo.anyvisit.test');
	expect(
		(await office.request.patch('/api/v1/organization', { data: { checkInOpensMinutes: 10_080 } })).status()
	).toBe(200);
	const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
	const { items: slots } = await (
		await office.request.get(`/api/v1/slots?patientState=MN&from=${day(1)}&to=${day(6)}&modality=video`)
	).json();
	const { items: patients } = await (await office.request.get('/api/v1/patients?query=Tuan')).json();
	// Not the slot the other visit tests take (the same clinician's last and first).
	const booked = await office.request.post('/api/v1/appointments', {
		data: { slotId: slots.at(-3).id, patientId: patients[0].id, modality: 'video', patientState: 'MN' },
		headers: { 'idempotency-key': `phone-switch-e2e-${Date.now()}` }
	});
	expect(booked.status()).toBe(201);
	const { id } = await booked.json();
	await office.close();

	const doctor = await browser.newContext(MEDIA);
	await signInStaff(doctor.request, 'maya.okafor@demo.anyvisit.test');
	const consent = await doctor.request.post(`/api/v1/appointments/${id}/consents`, {
		data: { kind: 'telehealth', method: 'verbal_clinician' }
	});
	expect(consent.status()).toBe(201);

	// Tuan checks in from Minnesota (his callback number is his own) and waits; his pages are in Vietnamese.
	const patientContext = await browser.newContext(MEDIA);
	const patient = await patientContext.newPage();
	await signInPatient(patient, '651 555 0105', '+16515550105');
	await patient.goto(`/visits/${id}/check-in`);
	await patient.locator('#locationState').selectOption('MN');
	await patient.locator('#setting-home').check();
	await patient.locator('form.stacked-form button[type=submit]').click();
	await patient.goto(`/visits/${id}/room`);
	await patient.getByRole('button', { name: vi['enter.button'] }).click();
	await expect(patient.getByRole('heading', { name: vi['waiting.title'] })).toBeVisible();
	await expect(patient.locator('html')).toHaveAttribute('data-hydrated', 'true');

	const clinician = await doctor.newPage();
	await clinician.goto(`/staff/visits/${id}/room?lang=en`);
	await expect(clinician.locator('html')).toHaveAttribute('data-hydrated', 'true');
	await clinician.getByRole('button', { name: en['host.start'] }).click();
	await expect(patient.locator('.room')).toHaveAttribute('data-status', 'in_progress');
	await expect.poll(() => framesFrom(patient), { timeout: 30_000 }).toBeGreaterThan(0);
	await expect.poll(() => framesFrom(clinician), { timeout: 30_000 }).toBeGreaterThan(0);

	// The clinician calls him instead: his phone rings, and until he answers the visit stays on video.
	await clinician.getByRole('button', { name: en['switch.call_patient'] }).click();
	await expect(clinician.getByText(en['call.patient_calling'])).toBeVisible();
	await expect(patient.getByText(vi['call.patient_calling_you'])).toBeVisible();
	await expect(patient.locator('.room')).toHaveAttribute('data-modality', 'video');
	await expectAccessible(patient);
	await expectAccessible(clinician);

	// His phone (the development simulator) rings with the clinic's call; he answers.
	const phone = await doctor.newPage();
	await phone.goto('/dev/phone?lang=en');
	const ringing = phone
		.getByRole('listitem')
		.filter({ hasText: staff['phone.ringing'].replace('{{number}}', '…0105') });
	await expect(ringing).toBeVisible();
	await expectAccessible(phone);
	await ringing.getByRole('button', { name: staff['phone.answer'] }).click();
	// He hears who is calling, in his language, and nothing more.
	await expect(phone.getByRole('log')).toContainText(ivr['leg.patient']);
	await expect(phone.getByRole('status')).toContainText(`visit-${id}`);

	// The visit is on the phone now: his camera stops, and the clinician sees him on the line.
	await expect(patient.locator('.room')).toHaveAttribute('data-modality', 'phone');
	await expect(patient.getByText(vi['phone.patient'])).toBeVisible();
	await expect(patient.getByLabel(vi['media.self_view'])).toHaveCount(0);
	await expect(clinician.locator('section[aria-labelledby="people-heading"]')).toContainText(
		en['people.phone']
	);
	await expectAccessible(patient);
	await expectAccessible(clinician);
	await expectAccessible(phone);

	// Back to video (he asks from his page): the call is hung up and the cameras come back.
	await patient.getByRole('button', { name: vi['switch.to_video'] }).click();
	await expect(clinician.locator('.room')).toHaveAttribute('data-modality', 'video');
	await expect(clinician.locator('section[aria-labelledby="people-heading"]')).not.toContainText(
		en['people.phone']
	);
	await expect.poll(() => framesFrom(clinician), { timeout: 30_000 }).toBeGreaterThan(0);
	await phone.goto('/dev/phone?lang=en');
	await expect(phone.getByRole('listitem').filter({ hasText: '…0105' })).toHaveCount(0);

	const timeline = await (await doctor.request.get(`/api/v1/visits/${id}/timeline`)).json();
	expect(timeline.segments.map((s: { modality: string }) => s.modality)).toEqual(['video', 'phone', 'video']);
	expect(timeline.segments[0].end).toBe(timeline.segments[1].start);
	expect(timeline.segments[1].end).toBe(timeline.segments[2].start);
	expect(timeline.segments[1]).toMatchObject({ startedBy: 'staff', reason: 'choice' });
	expect(timeline.segments[2]).toMatchObject({ startedBy: 'patient', reason: 'choice' });

	// The clinician writes beside the visit as it runs; the draft is kept for the note after it.
	await clinician
		.getByLabel(staff['note.section_objective'])
		.fill('Speaking in full sentences on the phone.');
	await clinician
		.locator('section[aria-labelledby="note-draft-heading"]')
		.getByRole('button', { name: staff['note.save'] })
		.click();
	await expect(clinician.getByText(staff['note.during_saved'].split('{{')[0]!)).toBeVisible();
	await expectAccessible(clinician);
	await clinician.getByRole('button', { name: en['host.end'] }).click();
	await expect(patient.getByRole('heading', { name: vi['ended.title'] })).toBeVisible();

	// The clinician writes the note: the attestation comes from the record (video, phone, video; home).
	await clinician.getByRole('link', { name: staff['note.write'] }).click();
	await expect(clinician.getByRole('heading', { name: staff['note.attestation'] })).toBeVisible();
	await expect(clinician.locator('.attestation')).toContainText(en['modality.phone']);
	// Tuan reads Vietnamese: the summary for him is to be written in it.
	await expect(
		clinician.getByText(staff['note.summary_language'].replace('{{language}}', 'Vietnamese'))
	).toBeVisible();
	await expect(clinician.getByLabel(staff['note.section_objective'])).toHaveValue(
		'Speaking in full sentences on the phone.'
	);
	await expectAccessible(clinician);
	// A note not yet begun starts from the SOAP outline of the visit's type.
	await expect(clinician.getByLabel(staff['note.section_plan'])).not.toHaveValue('');
	const marker = `Cough for ${Date.now()} hours`;
	await clinician.getByLabel(staff['note.section_subjective']).fill(marker);
	await clinician.getByLabel(staff['note.section_assessment']).fill('Viral bronchitis.');
	await clinician.getByLabel(staff['note.section_diagnoses']).fill('j20.9');
	// Signing with the plan's outline left as it is is refused, and what was typed is kept.
	await clinician.getByRole('button', { name: staff['note.sign'] }).click();
	await expect(clinician.getByRole('alert')).toBeVisible();
	await expect(clinician.getByLabel(staff['note.section_subjective'])).toHaveValue(marker);
	await clinician
		.getByLabel(staff['note.section_plan'])
		.fill('Fluids and rest; call if breathing gets harder.');
	await clinician.getByLabel(staff['note.section_totalMinutes']).fill('25');
	await clinician.getByLabel(staff['note.section_patientSummary']).fill('Nghỉ ngơi và uống nhiều nước.');
	await clinician.getByRole('button', { name: staff['note.sign'] }).click();
	await expect(clinician.getByText(staff['note.signed_now'])).toBeVisible();
	await expect(clinician.locator('pre.signed')).toContainText(marker);
	await expect(clinician.locator('pre.signed')).toContainText('J20.9');
	await expectAccessible(clinician);
	// Tuan reads the summary written for him on his visit page; it is not in the chart note.
	await expect(clinician.locator('pre.signed')).not.toContainText('Nghỉ ngơi');
	await patient.reload();
	await expect(patient.getByRole('heading', { name: vi['ended.summary'] })).toBeVisible();
	await expect(patient.getByText('Nghỉ ngơi và uống nhiều nước.')).toBeVisible();
	await expectAccessible(patient);

	// The signed note reaches the sandbox EHR as a valid FHIR R4 DocumentReference, and as MDM^T02 over MLLP.
	let reference: Record<string, unknown> | undefined;
	await expect
		.poll(
			async () => {
				const bundle = await (
					await doctor.request.get(
						`http://localhost:${E2E_EHR_PORT}/fhir/R4/DocumentReference?_count=50&_sort=-_lastUpdated`
					)
				).json();
				reference = bundle.entry
					?.map((e: { resource: Record<string, unknown> }) => e.resource)
					.find((r: { content: { attachment: { data: string } }[] }) =>
						Buffer.from(r.content[0]!.attachment.data, 'base64').toString('utf8').includes(marker)
					);
				return Boolean(reference);
			},
			{ timeout: 30_000 }
		)
		.toBe(true);
	loadFhirDefinitions();
	expect(() => validateResource(reference as never)).not.toThrow();
	expect(reference).toMatchObject({
		status: 'current',
		docStatus: 'final',
		type: { coding: [{ code: '11506-3' }] }
	});
	await expect
		.poll(
			async () => {
				const { messages } = await (
					await doctor.request.get(`http://localhost:${E2E_EHR_PORT}/hl7/messages`)
				).json();
				return messages
					.filter((m: { text: string }) => m.text.includes(marker))
					.map((m: { type: string }) => m.type);
			},
			{ timeout: 30_000 }
		)
		.toEqual(['MDM^T02^MDM_T02']);

	// The visit itself reached the EHR as a finished, virtual Encounter.
	const encounterId = encodeURIComponent(`http://localhost:${E2E_PORT}/identifiers/encounter|${id}`);
	await expect
		.poll(
			async () => {
				const bundle = await (
					await doctor.request.get(
						`http://localhost:${E2E_EHR_PORT}/fhir/R4/Encounter?identifier=${encounterId}`
					)
				).json();
				return bundle.entry?.map((e: { resource: { status: string; class: { code: string } } }) => [
					e.resource.status,
					e.resource.class.code
				]);
			},
			{ timeout: 30_000 }
		)
		.toEqual([['finished', 'VR']]);

	// The biller finds the visit in the work queue by keyboard, and sees why it is coded as it is.
	const billing = await browser.newContext();
	await signInStaff(billing.request, 'biller@demo.anyvisit.test');
	const queue = await billing.newPage();
	await queue.goto('/staff/billing?lang=en');
	await expect(queue.getByRole('heading', { name: staff['billing.title'] })).toBeVisible();
	await expectAccessible(queue);
	const row = `/staff/billing/${id}`;
	for (let tabs = 0; tabs < 60; tabs++) {
		await queue.keyboard.press('Tab');
		if ((await queue.evaluate(() => document.activeElement?.getAttribute('href'))) === row) break;
	}
	expect(await queue.evaluate(() => document.activeElement?.getAttribute('href'))).toBe(row);
	await queue.keyboard.press('Enter');
	await expect(queue).toHaveURL(new RegExp(`${row}`));
	// 25 documented minutes: 99202 for a new patient, 99213 for a follow-up (the slot's visit type);
	// his payer is commercial: the phone part is audio only, modifier 93, at home (POS 10).
	const facts = queue.locator('dl.facts');
	await expect(facts).toContainText(/99202|99213/);
	await expect(facts).toContainText('93');
	await expect(facts).toContainText('10');
	await expect(queue.getByText(billingText['reason.MIXED_MODALITY'])).toBeVisible();
	await expect(queue.getByLabel(staff['billing.diagnoses'])).toHaveValue('J20.9');
	await expectAccessible(queue);
	// Removing the modifier without a reason is refused; with the reason the claim is approved.
	await queue.getByLabel(staff['billing.modifiers']).fill('');
	await queue.getByRole('button', { name: staff['billing.approve'] }).click();
	await expect(queue.getByRole('alert')).toBeVisible();
	await expect(queue.getByLabel(staff['billing.modifiers'])).toHaveValue('');
	await queue.getByLabel(staff['billing.modifiers']).fill('93');
	await queue
		.getByLabel(staff['billing.reason'])
		.fill('Checked with the payer: audio-only is covered for this plan.');
	await queue.getByRole('button', { name: staff['billing.approve'] }).click();
	await expect(queue.getByText(staff['billing.approved_now'])).toBeVisible();
	await expectAccessible(queue);
	// The approved claim goes out through the outbox; the sandbox clearinghouse leaves it here to download.
	const sent = staff['billing.claim_submitted'].split('{{')[0]!;
	await expect
		.poll(
			async () => {
				await queue.goto(`${row}?lang=en`);
				return queue.getByText(sent).count();
			},
			{ timeout: 30_000 }
		)
		.toBe(1);
	const download = queue.waitForEvent('download');
	await queue.getByRole('link', { name: staff['billing.download_x12'] }).click();
	const x12 = await (await download).createReadStream().then(
		(stream) =>
			new Promise<string>((resolve) => {
				let text = '';
				stream.on('data', (chunk) => (text += chunk));
				stream.on('end', () => resolve(text));
			})
	);
	expect(x12).toMatch(/~CLM\*AV[0-9A-Z]{14}\*[\d.]+\*\*\*10:B:1\*/);
	expect(x12).toMatch(/~SV1\*HC:(99202|99213):93\*/);
	expect(x12).toContain('~HI*ABK:J209~');
	const fhirClaim = await (await queue.request.get(`${row}/claim.json`)).json();
	expect(() => validateResource(fhirClaim)).not.toThrow();
	expect(fhirClaim.item[0].locationCodeableConcept.coding[0].code).toBe('10');
	await expectAccessible(queue);
	await queue.goto(`${row}?lang=ar`);
	await expect(queue.locator('html')).toHaveAttribute('dir', 'rtl');
	await expectAccessible(queue);
	await Promise.all([doctor.close(), patientContext.close(), billing.close()]);
});
