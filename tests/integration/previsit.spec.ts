import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { updateOrganizationSettings } from '../../src/lib/server/organizations/settings';
import { sha256Hex } from '../../src/lib/server/platform/crypto/hash';
import { checkInFor, submitCheckIn, type CheckInInput } from '../../src/lib/server/previsit/check-in';
import {
	consentForVisit,
	getConsentRecord,
	hasCurrentConsent,
	recordVerbalConsent,
	revokeConsent,
	signConsent
} from '../../src/lib/server/previsit/consent';
import { addTemplateVersion, currentTemplate } from '../../src/lib/server/previsit/templates';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { patientNamed, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

const NOW = '2026-11-30T15:00:00Z';
const ORIGIN = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (Linux; Android 10) Chrome/120' };

describe.each(DATABASE_KINDS)('before the visit: check-in and consent on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	/** Layla (Arabic, Illinois) has a video visit on 2 December; the clock is an hour before it unless moved. */
	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
			now: NOW
		});
		const layla = await patientNamed(db, phi, 'Layla');
		const [slot] = await searchSlots(scheduler.ctx, {
			patientState: 'IL',
			from: '2026-12-02',
			to: '2026-12-02',
			modality: 'video',
			limit: 1
		});
		const { appointment } = await bookAppointment(
			scheduler.ctx,
			{ patientId: layla.id, slotId: slot!.id, modality: 'video', patientState: 'IL' },
			{ idempotencyKey: 'previsit-1' }
		);
		const asPatient = (at = new Date(appointment.start.getTime() - 60 * 60_000).toISOString()) =>
			testContext(db, {
				phi,
				actor: { kind: 'patient', id: layla.id, organizationId: layla.organizationId },
				now: at
			});
		const input: CheckInInput = {
			locationState: 'IL',
			locationSetting: 'home',
			callbackPhone: '(312) 555-0142',
			language: 'ar',
			accommodations: { interpreterLanguage: 'ar', captions: true }
		};
		const count = async (table: 'check_ins' | 'consents') =>
			Number(
				(
					await db
						.selectFrom(table)
						.select((eb) => eb.fn.countAll<string>().as('n'))
						.executeTakeFirstOrThrow()
				).n
			);
		return { db, scheduler, layla, appointment, asPatient, input, count };
	}

	test('the standard consent templates exist in all nine languages, each bound to its text by a hash', async () => {
		const t = await setup();
		const templates = await t.db
			.selectFrom('consent_templates')
			.selectAll()
			.where('kind', '=', 'telehealth')
			.execute();
		expect(templates.map((r) => r.language).sort()).toEqual([
			'ar',
			'en',
			'es',
			'ht',
			'ko',
			'ru',
			'tl',
			'vi',
			'zh-Hans'
		]);
		for (const r of templates) expect(r.content_hash).toBe(sha256Hex(`${r.title}\n\n${r.body}`));
		const arabic = templates.find((r) => r.language === 'ar')!;
		expect(arabic.body).not.toBe(templates.find((r) => r.language === 'en')!.body);
		// A state's own version comes before the general one; a language without one falls back to English.
		const texas = await addTemplateVersion(t.db, {
			organizationId: t.layla.organizationId,
			kind: 'telehealth',
			language: 'ar',
			state: 'TX',
			title: arabic.title,
			body: `${arabic.body}\n\nTexas clause`,
			effectiveFrom: new Date('2026-11-01T00:00:00Z')
		});
		const pick = (state: string, language = 'ar') =>
			currentTemplate(t.db, {
				organizationId: t.layla.organizationId,
				kind: 'telehealth',
				language,
				state,
				now: new Date(NOW)
			});
		expect((await pick('TX'))?.id).toBe(texas.id);
		expect((await pick('IL'))?.id).toBe(arabic.id);
		expect((await pick('IL', 'xx'))?.language).toBe('en');
	});

	test('check-in records where the patient is, sealed, and the licensure gate passes for Illinois', async () => {
		const t = await setup();
		const patient = t.asPatient();
		const checkIn = await submitCheckIn(patient.ctx, t.appointment.id, t.input);
		expect(checkIn).toMatchObject({
			locationState: 'IL',
			locationSetting: 'home',
			callbackPhone: '+13125550142',
			language: 'ar',
			accommodations: { interpreterLanguage: 'ar', captions: true },
			licensure: { allowed: true }
		});
		const row = await t.db.selectFrom('check_ins').selectAll().executeTakeFirstOrThrow();
		expect(JSON.stringify(row)).not.toContain('5550142');
		const view = await checkInFor(patient.ctx, t.appointment.id);
		expect(view).toMatchObject({
			window: 'open',
			consent: 'missing',
			defaults: { locationState: 'IL', callbackPhone: '+13125550142' }
		});
		// Checking in again replaces the answers (one row per visit).
		await submitCheckIn(patient.ctx, t.appointment.id, { ...t.input, locationSetting: 'facility' });
		expect(await t.count('check_ins')).toBe(1);
		expect((await checkInFor(patient.ctx, t.appointment.id)).checkIn?.locationSetting).toBe('facility');
	});

	test('a patient somewhere the clinician may not practise is told why and the refusal is kept for the clinic', async () => {
		const t = await setup();
		const checkIn = await submitCheckIn(t.asPatient().ctx, t.appointment.id, {
			...t.input,
			locationState: 'AK'
		});
		expect(checkIn.licensure).toEqual({ allowed: false, reason: 'no_licence_for_state' });
		const audit = await t.db
			.selectFrom('audit_log')
			.select('details')
			.where('action', '=', 'checkin.submit')
			.execute();
		expect(JSON.parse(audit[0]!.details)).toMatchObject({ licensed: false, reason: 'no_licence_for_state' });
		const staffView = await checkInFor(t.scheduler.ctx, t.appointment.id);
		expect(staffView.checkIn?.licensure).toEqual({ allowed: false, reason: 'no_licence_for_state' });
	});

	test('bad input and closed windows are refused, and nothing is written', async () => {
		const t = await setup();
		const early = t.asPatient('2026-11-30T15:00:00Z');
		expect((await appErrorOf(submitCheckIn(early.ctx, t.appointment.id, t.input))).code).toBe(
			'CHECK_IN_CLOSED'
		);
		expect((await checkInFor(early.ctx, t.appointment.id)).window).toBe('early');
		const after = t.asPatient(new Date(t.appointment.end.getTime() + 60_000).toISOString());
		expect((await appErrorOf(submitCheckIn(after.ctx, t.appointment.id, t.input))).code).toBe(
			'CHECK_IN_CLOSED'
		);
		const patient = t.asPatient();
		const state = await appErrorOf(
			submitCheckIn(patient.ctx, t.appointment.id, { ...t.input, locationState: 'ZZ' })
		);
		expect(state.fields.map((f) => f.field)).toEqual(['locationState']);
		const phone = await appErrorOf(
			submitCheckIn(patient.ctx, t.appointment.id, { ...t.input, callbackPhone: 'call me' })
		);
		expect(phone.fields.map((f) => f.field)).toEqual(['callbackPhone']);
		const rosa = await patientNamed(t.db, phi, 'Rosa');
		const stranger = testContext(t.db, {
			phi,
			actor: { kind: 'patient', id: rosa.id, organizationId: rosa.organizationId },
			now: NOW
		});
		expect((await appErrorOf(submitCheckIn(stranger.ctx, t.appointment.id, t.input))).code).toBe('NOT_FOUND');
		expect(await t.count('check_ins')).toBe(0);
	});

	test('an electronic signature binds the typed name, time, IP and user agent to the template version and hash', async () => {
		const t = await setup();
		const patient = t.asPatient();
		await submitCheckIn(patient.ctx, t.appointment.id, t.input);
		const shown = await consentForVisit(patient.ctx, t.appointment.id);
		expect(shown.telehealth).toMatchObject({ status: 'missing', template: { language: 'ar' } });
		const sign = () =>
			signConsent(patient.ctx, t.appointment.id, {
				templateId: shown.telehealth.template!.id,
				recordingTemplateId: shown.recording.template!.id,
				signerName: 'ليلى حسن',
				recording: 'yes',
				origin: ORIGIN
			});
		const { telehealthConsentId } = await sign();
		// The same form posted twice keeps one consent.
		expect((await sign()).telehealthConsentId).toBe(telehealthConsentId);
		expect(await t.count('consents')).toBe(2);
		expect(await hasCurrentConsent(t.db, phi, t.layla.id, patient.clock.now())).toBe(true);

		const record = await getConsentRecord(t.scheduler.ctx, telehealthConsentId);
		expect(record).toMatchObject({
			kind: 'telehealth',
			method: 'electronic',
			signerName: 'ليلى حسن',
			ip: ORIGIN.ip,
			userAgent: ORIGIN.userAgent,
			template: { version: 1, language: 'ar', contentHash: shown.telehealth.template!.contentHash }
		});
		expect(record.expiresAt.getTime() - record.givenAt.getTime()).toBe(365 * 86_400_000);
		const stored = await t.db.selectFrom('consents').select('signer_name_enc').executeTakeFirstOrThrow();
		expect(stored.signer_name_enc).not.toContain('ليلى');
		// Patients do not read consent records through the staff door.
		expect((await appErrorOf(getConsentRecord(patient.ctx, telehealthConsentId))).code).toBe('FORBIDDEN');
	});

	test('a text replaced after the page was shown cannot be signed; the standing consent becomes outdated', async () => {
		const t = await setup();
		const patient = t.asPatient();
		const shown = await consentForVisit(patient.ctx, t.appointment.id);
		const base = { signerName: 'Layla Hassan', recording: 'no' as const, origin: ORIGIN };
		await signConsent(patient.ctx, t.appointment.id, { ...base, templateId: shown.telehealth.template!.id });
		await addTemplateVersion(t.db, {
			organizationId: t.layla.organizationId,
			kind: 'telehealth',
			language: 'ar',
			state: null,
			title: shown.telehealth.template!.title,
			body: `${shown.telehealth.template!.body}\n\n(2027)`,
			effectiveFrom: new Date('2026-11-30T00:00:00Z')
		});
		const now = await consentForVisit(patient.ctx, t.appointment.id);
		expect(now.telehealth.status).toBe('outdated');
		expect(await hasCurrentConsent(t.db, phi, t.layla.id, patient.clock.now())).toBe(false);
		const stale = await appErrorOf(
			signConsent(patient.ctx, t.appointment.id, { ...base, templateId: shown.telehealth.template!.id })
		);
		expect(stale.code).toBe('CONSENT_OUTDATED');
		expect(await t.count('consents')).toBe(1);
		await signConsent(patient.ctx, t.appointment.id, { ...base, templateId: now.telehealth.template!.id });
		expect((await consentForVisit(patient.ctx, t.appointment.id)).telehealth).toMatchObject({
			status: 'current',
			record: { template: { version: 2 } }
		});
	});

	test('withdrawal and a year’s lapse leave no current consent; records stay', async () => {
		const t = await setup();
		const patient = t.asPatient();
		const shown = await consentForVisit(patient.ctx, t.appointment.id);
		const { telehealthConsentId } = await signConsent(patient.ctx, t.appointment.id, {
			templateId: shown.telehealth.template!.id,
			signerName: 'Layla Hassan',
			recording: 'no',
			origin: ORIGIN
		});
		expect(
			await hasCurrentConsent(
				t.db,
				phi,
				t.layla.id,
				new Date(patient.clock.now().getTime() + 364 * 86_400_000)
			)
		).toBe(true);
		expect(
			await hasCurrentConsent(
				t.db,
				phi,
				t.layla.id,
				new Date(patient.clock.now().getTime() + 366 * 86_400_000)
			)
		).toBe(false);
		// An earlier consent of the same kind (a verbal one) does not stand in once she withdraws.
		const reyes = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'daniel.reyes@demo.anyvisit.test'),
			now: NOW
		});
		await recordVerbalConsent(reyes.ctx, t.appointment.id, 'telehealth');
		await revokeConsent(patient.ctx, telehealthConsentId);
		expect(await hasCurrentConsent(t.db, phi, t.layla.id, patient.clock.now())).toBe(false);
		expect((await getConsentRecord(t.scheduler.ctx, telehealthConsentId)).revokedAt).toEqual(
			patient.clock.now()
		);
	});

	test('an admin opens check-in earlier for the clinic; a scheduler may not; the change is audited', async () => {
		const t = await setup();
		const early = t.asPatient('2026-11-30T15:00:00Z');
		expect((await checkInFor(early.ctx, t.appointment.id)).window).toBe('early');
		const admin = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'admin@demo.anyvisit.test'),
			now: NOW
		});
		expect(
			(await appErrorOf(updateOrganizationSettings(t.scheduler.ctx, { checkInOpensMinutes: 10_080 }))).code
		).toBe('FORBIDDEN');
		const settings = await updateOrganizationSettings(admin.ctx, { checkInOpensMinutes: 10_080 });
		expect(settings.checkInOpensMinutes).toBe(10_080);
		expect((await checkInFor(early.ctx, t.appointment.id)).window).toBe('open');
		const audit = await t.db
			.selectFrom('audit_log')
			.select('details')
			.where('action', '=', 'organization.update')
			.where('outcome', '=', 'success')
			.execute();
		expect(JSON.parse(audit[0]!.details)).toMatchObject({
			checkInOpensMinutesBefore: 1440,
			checkInOpensMinutes: 10_080
		});
	});

	test('a clinician documents verbal consent, attested with their id; a scheduler may not', async () => {
		const t = await setup();
		const clinician = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'samira.haddad@demo.anyvisit.test'),
			now: NOW
		});
		const reyes = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'daniel.reyes@demo.anyvisit.test'),
			now: NOW
		});
		const { consentId } = await recordVerbalConsent(reyes.ctx, t.appointment.id, 'telehealth');
		const record = await getConsentRecord(clinician.ctx, consentId);
		expect(record).toMatchObject({
			method: 'verbal_clinician',
			signerName: 'Layla Hassan',
			attestedBy: reyes.ctx.actor.kind === 'staff' ? reyes.ctx.actor.id : null,
			ip: null
		});
		expect(
			(await appErrorOf(recordVerbalConsent(t.scheduler.ctx, t.appointment.id, 'telehealth'))).code
		).toBe('FORBIDDEN');
		expect(await t.count('consents')).toBe(1);
	});
});
