import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import twilio from 'twilio';
import { describe, expect, test } from 'vitest';
import en from '../../locales/en/ivr.json' with { type: 'json' };
import es from '../../locales/es/ivr.json' with { type: 'json' };
import ht from '../../locales/ht/ivr.json' with { type: 'json' };
import htScheduling from '../../locales/ht/scheduling.json' with { type: 'json' };
import manifest from '../../static/audio/ht/manifest.json' with { type: 'json' };
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { simulatedPhoneLine } from '../../src/lib/server/integrations/phone/simulated';
import type { PhoneLine } from '../../src/lib/server/integrations/phone/provider';
import { p2pVideoProvider } from '../../src/lib/server/integrations/video/p2p';
import { fixedClock } from '../../src/lib/server/platform/clock';
import type { Actor } from '../../src/lib/server/platform/context';
import { AppError } from '../../src/lib/server/platform/errors';
import { tFor } from '../../src/lib/server/platform/i18n';
import type { Runtime } from '../../src/lib/server/platform/runtime';
import { submitCheckIn } from '../../src/lib/server/previsit/check-in';
import { consentForVisit, signConsent } from '../../src/lib/server/previsit/consent';
import { answerPlacedCall, hangUpPlacedCall } from '../../src/lib/server/telephony/simulator';
import {
	browserCallGrant,
	callClinician,
	callInterpreter,
	changeModality,
	type PhoneDeps
} from '../../src/lib/server/visits/phone';
import { endVisit, enterWaitingRoom, startVisit, visitTimeline } from '../../src/lib/server/visits/room';
import { roomView } from '../../src/lib/server/visits/view';
import { POST as incoming } from '../../src/routes/telephony/voice/incoming/+server';
import { POST as gather } from '../../src/routes/telephony/voice/gather/+server';
import { POST as hold } from '../../src/routes/telephony/voice/hold/+server';
import { POST as conference } from '../../src/routes/telephony/voice/conference/+server';
import { POST as leg } from '../../src/routes/telephony/voice/leg/+server';
import { POST as legStatus } from '../../src/routes/telephony/voice/leg/status/+server';
import { POST as client } from '../../src/routes/telephony/voice/client/+server';
import { staffIdentity } from '../../src/lib/server/integrations/phone/browser';
import { bookDemoVisit, staffActorFor } from '../factories';
import { captureLogger, testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

const BASE = 'https://clinic.example.org';
const AUTH_TOKEN = 'phone-line-test-auth-token';
const ROUTES: Record<string, (event: never) => Promise<Response>> = {
	'/telephony/voice/incoming': incoming as never,
	'/telephony/voice/gather': gather as never,
	'/telephony/voice/hold': hold as never,
	'/telephony/voice/conference': conference as never,
	'/telephony/voice/leg': leg as never,
	'/telephony/voice/leg/status': legStatus as never,
	'/telephony/voice/client': client as never
};
const sid = () => `CA${randomBytes(16).toString('hex')}`;
const said = (twiml: string) =>
	[...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!.replace(/&apos;/g, "'"));
const played = (twiml: string) => [...twiml.matchAll(/<Play>([^<]*)<\/Play>/g)].map((m) => m[1]!);
const fill = (text: string, params: Record<string, string>) =>
	text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? '');
const p2p = p2pVideoProvider({ kind: 'p2p', stunUrls: [], turnUrls: [], turnSecret: undefined });

describe.each(DATABASE_KINDS)('the phone line through its signed webhooks on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup(options: { line?: PhoneLine; interpreterCodes?: Record<string, string> } = {}) {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test')
		});
		const { patient: marcus, appointment } = await bookDemoVisit(scheduler.ctx, phi, {
			patient: 'Marcus',
			state: 'CO',
			day: '2026-12-02',
			modality: 'video',
			key: 'phone-line-1'
		});
		const clock = fixedClock(new Date(appointment.start.getTime() - 10 * 60_000));
		const line = options.line ?? simulatedPhoneLine();
		const runtime = {
			config: {
				env: 'development',
				twilioAuthToken: AUTH_TOKEN,
				publicBaseUrl: BASE,
				ivrStaffNumber: null,
				interpreterLine: options.interpreterCodes
					? { number: '+18005550199', codes: options.interpreterCodes }
					: null
			},
			db,
			phi,
			clock,
			logger: captureLogger().logger,
			phone: line
		} as unknown as Runtime;

		/** Posts a webhook as Twilio does: form fields, signed over the full URL. */
		async function post(pathAndQuery: string, params: Record<string, string>, signature?: string) {
			const url = new URL(pathAndQuery, BASE);
			const request = new Request(url, {
				method: 'POST',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					'x-twilio-signature':
						signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, url.toString(), params)
				},
				body: new URLSearchParams(params).toString()
			});
			const route = ROUTES[url.pathname]!;
			const response = await route({
				locals: { runtime, lang: 'en', t: tFor('en') },
				route: { id: url.pathname },
				request,
				url
			} as never);
			return { status: response.status, body: await response.text() };
		}
		const as = (actor: Actor) => testContext(db, { phi, actor, now: clock.now().toISOString() }).ctx;
		const patient = () => as({ kind: 'patient', id: marcus.id, organizationId: marcus.organizationId });
		const clinician = () =>
			as({
				kind: 'staff',
				id: appointment.clinicianId,
				organizationId: marcus.organizationId,
				roles: ['clinician']
			});
		const deps: PhoneDeps = {
			line,
			baseUrl: BASE,
			interpreterLine: runtime.config.interpreterLine
		};
		return { db, clock, line, post, patient, clinician, deps, marcus, appointment };
	}

	/** Walks a whole call from the greeting to the visit's hold line, pressing the language's key. */
	async function walk(t: Awaited<ReturnType<typeof setup>>, digit: string) {
		const call = { CallSid: sid(), From: '+17205550103', To: '+15005550006' };
		const turns = [await t.post('/telephony/voice/incoming', call)];
		for (const Digits of [digit, '01171995', '1', '1']) {
			turns.push(await t.post('/telephony/voice/gather', { ...call, Digits }));
		}
		turns.push(await t.post('/telephony/voice/hold', call));
		for (const turn of turns) expect(turn.status).toBe(200);
		return { call, turns: turns.map((turn) => turn.body) };
	}

	test.each([
		['English', '1', en, 'Polly.Joanna'],
		['Spanish', '2', es, 'Polly.Lupe']
	] as const)(
		'a complete call in %s, each prompt in the language’s voice',
		async (_, digit, texts, voice) => {
			{
				const t = await setup();
				const { turns } = await walk(t, digit);
				const [menu, dob, location, consent, waiting, update] = turns as [string, ...string[]];
				expect(menu).toMatch(
					/^<\?xml[^>]*><Response><Gather[^>]*action="https:\/\/clinic\.example\.org\/telephony\/voice\/gather"/
				);
				expect(said(dob!)).toEqual([texts['dob.ask'], texts['repeat_hint']]);
				expect(dob).toContain(`voice="${voice}"`);
				expect(said(location!)[0]).toBe(fill(texts['location.ask'], { state: 'Colorado' }));
				expect(said(consent!)[0]).toBe(texts['consent.ask']);
				expect(said(waiting!)).toEqual([texts['hold.intro']]);
				expect(waiting).toContain(`>visit-${t.appointment.id}</Conference>`);
				expect(said(update!)).toEqual([texts['hold.update']]);
				const visit = await t.db.selectFrom('visits').select('status').executeTakeFirstOrThrow();
				expect(visit.status).toBe('waiting');
			}
		}
	);

	test('a complete call in Haitian Creole plays recorded prompts (Twilio cannot speak it), each one on file and current', async () => {
		const t = await setup();
		const { turns } = await walk(t, '9');
		const [, dob, location, consent, waiting, update] = turns as [string, ...string[]];
		const recording = (file: string) => `${BASE}/audio/ht/${file}`;
		// After the menu, nothing is read by a voice: every prompt is a recording of the Creole text.
		for (const turn of [dob, location, consent, waiting, update]) expect(said(turn!)).toEqual([]);
		expect(played(dob!)).toEqual([recording('dob.ask.0.wav'), recording('repeat_hint.0.wav')]);
		expect(played(location!).slice(0, 3)).toEqual([
			recording('location.ask.0.wav'),
			recording('state/CO.wav'),
			recording('location.ask.1.wav')
		]);
		expect(played(consent!)[0]).toBe(recording('consent.ask.0.wav'));
		expect(played(waiting!)).toEqual([recording('hold.intro.0.wav')]);
		expect(played(update!)).toEqual([recording('hold.update.0.wav')]);
		expect(await t.db.selectFrom('consents').select('method').execute()).toEqual([{ method: 'verbal_ivr' }]);
	});

	test('a forged or missing signature is refused with 403 and writes nothing', async () => {
		const t = await setup();
		const call = { CallSid: sid(), From: '+17205550103', To: '+15005550006' };
		expect((await t.post('/telephony/voice/incoming', call, 'Zm9yZ2Vk')).status).toBe(403);
		const signedForOther = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${BASE}/telephony/voice/gather`, {
			...call,
			Digits: '1'
		});
		expect((await t.post('/telephony/voice/gather', { ...call, Digits: '2' }, signedForOther)).status).toBe(
			403
		);
		const forgedStatus = { CallSid: sid(), CallStatus: 'in-progress' };
		expect(
			(await t.post(`/telephony/voice/leg/status?leg=${crypto.randomUUID()}`, forgedStatus, 'Zm9yZ2Vk'))
				.status
		).toBe(403);
		expect(await t.db.selectFrom('ivr_calls').select('call_sid').execute()).toEqual([]);
		expect(
			await t.db.selectFrom('audit_log').select('action').where('resource_id', '=', call.CallSid).execute()
		).toEqual([]);
	});

	async function running(t: Awaited<ReturnType<typeof setup>>) {
		await submitCheckIn(t.patient(), t.appointment.id, {
			locationState: 'CO',
			locationSetting: 'home',
			callbackPhone: '(720) 555-0177',
			language: 'en',
			accommodations: {}
		});
		const shown = await consentForVisit(t.patient(), t.appointment.id);
		await signConsent(t.patient(), t.appointment.id, {
			templateId: shown.telehealth.template!.id,
			recordingTemplateId: shown.recording.template!.id,
			signerName: 'Marcus Webb',
			recording: 'no',
			origin: { ip: '203.0.113.9', userAgent: 'vitest' }
		});
		await enterWaitingRoom(t.patient(), t.appointment.id);
		await startVisit(t.clinician(), p2p, t.appointment.id);
	}

	test('"call the patient" moves a video visit to the phone when the call is answered, and back to video ends the call', async () => {
		const t = await setup();
		const line = t.line as ReturnType<typeof simulatedPhoneLine>;
		await running(t);
		t.clock.advance(5 * 60_000);
		const { calling } = await changeModality(t.clinician(), t.deps, t.appointment.id, {
			modality: 'phone',
			reason: 'poor_network'
		});
		// The call rings the number given at check-in; until it is answered the visit stays on video.
		expect(line.calls()).toMatchObject([{ to: '+17205550177', status: 'ringing' }]);
		expect(calling).toMatchObject({ role: 'patient', status: 'ringing' });
		expect((await roomView(t.patient(), p2p, t.appointment.id)).calls).toEqual([
			{ role: 'patient', status: 'calling' }
		]);
		expect((await visitTimeline(t.clinician(), t.appointment.id)).segments.map((s) => s.modality)).toEqual([
			'video'
		]);
		// Pressing again while it rings dials nothing more.
		await changeModality(t.patient(), t.deps, t.appointment.id, { modality: 'phone', reason: 'choice' });
		expect(line.calls()).toHaveLength(1);

		t.clock.advance(30_000);
		const callSid = line.calls()[0]!.callSid;
		const answered = await answerPlacedCall(
			async (path, params) => {
				const { body } = await t.post(path, params);
				const conferenceEvents = /statusCallback="([^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');
				return {
					says: said(body).map((text) => ({ text, language: 'en-US' })),
					gather: null,
					conference: /<Conference[^>]*>([^<]+)</.exec(body)?.[1] ?? null,
					conferenceEvents: conferenceEvents
						? new URL(conferenceEvents).pathname + new URL(conferenceEvents).search
						: null,
					dial: null,
					hangup: body.includes('<Hangup/>')
				};
			},
			line,
			callSid,
			'+15005550006'
		);
		// He hears who is calling, nothing more, and joins the visit's conference.
		expect(answered?.says.map((s) => s.text)).toEqual([en['leg.patient']]);
		expect(answered?.conference).toBe(`visit-${t.appointment.id}`);
		const timeline = await visitTimeline(t.clinician(), t.appointment.id);
		expect(timeline.segments.map((s) => [s.modality, s.startedBy, s.reason])).toEqual([
			['video', 'staff', 'start'],
			['phone', 'staff', 'poor_network']
		]);
		expect((await roomView(t.clinician(), p2p, t.appointment.id)).phone).toEqual([
			{ role: 'patient', muted: false }
		]);
		// The clinician joins from her own phone: it opens the conference and changes no segment.
		const joining = await callClinician(t.clinician(), t.deps, t.appointment.id, {
			to: '+13035550123',
			language: 'en'
		});
		expect(line.calls()[0]).toMatchObject({ to: '+13035550123', status: 'ringing' });
		expect((await roomView(t.patient(), p2p, t.appointment.id)).calls).toEqual([]);
		const her = await t.post(`/telephony/voice/leg?leg=${joining.id}`, {
			CallSid: line.calls()[0]!.callSid,
			CallStatus: 'in-progress'
		});
		expect(said(her.body)).toEqual([en['leg.clinician']]);
		expect(her.body).toContain('startConferenceOnEnter="true"');
		expect(her.body).toContain(`>visit-${t.appointment.id}</Conference>`);
		await t.post(`/telephony/voice/conference?visit=${t.appointment.id}`, {
			CallSid: line.calls()[0]!.callSid,
			StatusCallbackEvent: 'participant-mute',
			Muted: 'true'
		});
		expect((await roomView(t.clinician(), p2p, t.appointment.id)).phone).toEqual(
			expect.arrayContaining([
				{ role: 'patient', muted: false },
				{ role: 'clinician', muted: true }
			])
		);
		expect((await visitTimeline(t.clinician(), t.appointment.id)).segments).toHaveLength(2);
		expect(
			(
				await appErrorOf(
					callClinician(t.patient(), t.deps, t.appointment.id, { to: '+13035550123', language: 'en' })
				)
			).code
		).toBe('FORBIDDEN');
		// Twilio repeating the answered callback changes nothing.
		expect(
			(
				await t.post(`/telephony/voice/leg/status?leg=${calling!.id}`, {
					CallSid: callSid,
					CallStatus: 'in-progress'
				})
			).status
		).toBe(204);
		expect((await visitTimeline(t.clinician(), t.appointment.id)).segments).toHaveLength(2);

		// Back to video: the phone segment ends where video begins, and the call is hung up.
		t.clock.advance(4 * 60_000);
		await changeModality(t.patient(), t.deps, t.appointment.id, { modality: 'video', reason: 'choice' });
		expect(line.calls().find((c) => c.callSid === callSid)!.status).toBe('completed');
		const after = await visitTimeline(t.clinician(), t.appointment.id);
		expect(after.segments.map((s) => s.modality)).toEqual(['video', 'phone', 'video']);
		expect(after.segments[1]!.end).toEqual(after.segments[2]!.start);
		// Twilio's completed callback arriving afterwards changes nothing.
		await t.post(`/telephony/voice/leg/status?leg=${calling!.id}`, {
			CallSid: callSid,
			CallStatus: 'completed'
		});
		expect((await visitTimeline(t.clinician(), t.appointment.id)).segments).toHaveLength(3);
		// Her own phone is hung up with his.
		const legs = await t.db
			.selectFrom('visit_phone_legs')
			.select(['role', 'status', 'on_line'])
			.orderBy('role')
			.execute();
		expect(legs).toEqual([
			{ role: 'clinician', status: 'ended', on_line: false },
			{ role: 'patient', status: 'ended', on_line: false }
		]);
		const audit = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('action', 'in', ['visit.phone_call', 'visit.switch'])
			.orderBy('seq')
			.execute();
		expect(audit.map((a) => a.action)).toEqual([
			'visit.phone_call',
			'visit.switch',
			'visit.phone_call',
			'visit.switch'
		]);
	});

	test('an unanswered call leaves the visit as it was and says so', async () => {
		const t = await setup();
		const line = t.line as ReturnType<typeof simulatedPhoneLine>;
		await running(t);
		const { calling } = await changeModality(t.patient(), t.deps, t.appointment.id, {
			modality: 'phone',
			reason: 'choice'
		});
		const callSid = line.calls()[0]!.callSid;
		// A callback for another call, or for no call of ours, is ignored.
		await t.post(`/telephony/voice/leg/status?leg=${calling!.id}`, {
			CallSid: sid(),
			CallStatus: 'in-progress'
		});
		expect((await visitTimeline(t.clinician(), t.appointment.id)).segments.map((s) => s.modality)).toEqual([
			'video'
		]);
		await hangUpPlacedCall(
			(path, params) => t.post(path, params).then(() => null as never),
			line,
			callSid,
			'+15005550006',
			null
		);
		expect((await roomView(t.patient(), p2p, t.appointment.id)).calls).toEqual([
			{ role: 'patient', status: 'not_answered' }
		]);
		expect((await visitTimeline(t.clinician(), t.appointment.id)).segments.map((s) => s.modality)).toEqual([
			'video'
		]);
		// The webhook of an ended call hangs up without a word.
		const late = await t.post(`/telephony/voice/leg?leg=${calling!.id}`, {
			CallSid: callSid,
			CallStatus: 'in-progress'
		});
		expect(late.body).toContain('<Hangup/>');
		expect(said(late.body)).toEqual([]);
	});

	test('a refusing phone service records no call; a guest cannot move the visit; no interpreter line is a clear 422', async () => {
		const t = await setup({
			line: {
				kind: 'twilio',
				dial: () => Promise.reject(new AppError('PHONE_UNAVAILABLE')),
				hangUp: () => Promise.resolve()
			}
		});
		await running(t);
		const refused = await appErrorOf(
			changeModality(t.clinician(), t.deps, t.appointment.id, { modality: 'phone', reason: 'choice' })
		);
		expect(refused.code).toBe('PHONE_UNAVAILABLE');
		expect(await t.db.selectFrom('visit_phone_legs').select('id').execute()).toEqual([]);
		expect((await visitTimeline(t.clinician(), t.appointment.id)).segments.map((s) => s.modality)).toEqual([
			'video'
		]);
		const failed = await t.db
			.selectFrom('audit_log')
			.select(['action', 'outcome'])
			.where('action', '=', 'visit.phone_call')
			.execute();
		expect(failed).toEqual([{ action: 'visit.phone_call', outcome: 'failure' }]);
		expect((await appErrorOf(callInterpreter(t.clinician(), t.deps, t.appointment.id, 'es'))).code).toBe(
			'NO_PHONE_NUMBER'
		);
	});

	test('an interpreter service is called with the language’s code and joins the conference; ending the visit hangs up', async () => {
		const t = await setup({ interpreterCodes: { es: '11', ht: '25' } });
		const line = t.line as ReturnType<typeof simulatedPhoneLine>;
		await running(t);
		expect((await appErrorOf(callInterpreter(t.patient(), t.deps, t.appointment.id, 'ht'))).code).toBe(
			'FORBIDDEN'
		);
		expect((await appErrorOf(callInterpreter(t.clinician(), t.deps, t.appointment.id, 'ko'))).code).toBe(
			'NO_PHONE_NUMBER'
		);
		await callInterpreter(t.clinician(), t.deps, t.appointment.id, 'ht');
		expect(line.calls()).toMatchObject([{ to: '+18005550199', sendDigits: 'wwww25#', status: 'ringing' }]);
		const callSid = line.calls()[0]!.callSid;
		const { id } = await t.db.selectFrom('visit_phone_legs').select('id').executeTakeFirstOrThrow();
		const joined = await t.post(`/telephony/voice/leg?leg=${id}`, {
			CallSid: callSid,
			CallStatus: 'in-progress'
		});
		// The interpreter joins without a word; the visit stays on video.
		expect(said(joined.body)).toEqual([]);
		expect(joined.body).toContain(`>visit-${t.appointment.id}</Conference>`);
		expect((await visitTimeline(t.clinician(), t.appointment.id)).segments.map((s) => s.modality)).toEqual([
			'video'
		]);
		await t.post(`/telephony/voice/conference?visit=${t.appointment.id}`, {
			CallSid: callSid,
			StatusCallbackEvent: 'participant-join',
			Muted: 'false'
		});
		expect((await roomView(t.clinician(), p2p, t.appointment.id)).phone).toEqual([
			{ role: 'interpreter', muted: false }
		]);
		await endVisit(t.clinician(), p2p, t.appointment.id, line);
		expect(line.calls()[0]!.status).toBe('completed');
		expect(await t.db.selectFrom('visit_phone_legs').select('status').execute()).toEqual([
			{ status: 'ended' }
		]);
	});

	test('the clinician’s browser joins the visit’s call through the TwiML App; anyone else, or after the end, is hung up on', async () => {
		const t = await setup();
		await running(t);
		const settings = {
			accountSid: 'AC' + '0'.repeat(32),
			apiKeySid: 'SK' + '1'.repeat(32),
			apiKeySecret: 'a-real-looking-api-key-secret',
			twimlAppSid: 'AP' + '2'.repeat(32)
		};
		expect((await appErrorOf(browserCallGrant(t.patient(), settings, t.appointment.id))).code).toBe(
			'FORBIDDEN'
		);
		expect((await appErrorOf(browserCallGrant(t.clinician(), null, t.appointment.id))).code).toBe(
			'PHONE_UNAVAILABLE'
		);
		expect(await browserCallGrant(t.clinician(), settings, t.appointment.id)).toEqual({
			token: expect.stringMatching(/^ey/),
			visit: t.appointment.id
		});
		const asks = (staffId: string, visit = t.appointment.id) =>
			t.post('/telephony/voice/client', {
				CallSid: sid(),
				From: `client:${staffIdentity(staffId)}`,
				To: '',
				visit
			});
		const joined = await asks(t.appointment.clinicianId);
		expect(joined.status).toBe(200);
		expect(said(joined.body)).toEqual([]);
		expect(joined.body).toContain('startConferenceOnEnter="true"');
		expect(joined.body).toContain(`>visit-${t.appointment.id}</Conference>`);
		const scheduler = await staffActorFor(t.db, 'scheduler@demo.anyvisit.test');
		for (const refused of [
			await asks((scheduler as { id: string }).id),
			await asks(crypto.randomUUID()),
			await asks(t.appointment.clinicianId, crypto.randomUUID())
		]) {
			expect(refused.body).toContain('<Hangup/>');
			expect(refused.body).not.toContain('<Conference');
		}
		await endVisit(t.clinician(), p2p, t.appointment.id, t.line);
		expect((await asks(t.appointment.clinicianId)).body).toContain('<Hangup/>');
		const joins = await t.db
			.selectFrom('audit_log')
			.select(['action', 'actor_id'])
			.where('action', '=', 'visit.phone_join')
			.execute();
		expect(joins).toEqual([{ action: 'visit.phone_join', actor_id: t.appointment.clinicianId }]);
	});
});

describe('the Haitian Creole recordings', () => {
	const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

	test('each recording is on file and was made from the prompt text in force (re-record after a change)', () => {
		const expected: Record<string, string> = {};
		for (const [key, text] of Object.entries(ht as Record<string, string>)) {
			text.split(/\{\{\s*(\w+)\s*\}\}/).forEach((piece, i) => {
				if (i % 2 === 0 && /[\p{L}\p{N}]/u.test(piece)) expected[`${key}.${i / 2}.wav`] = hash(piece.trim());
			});
		}
		for (const d of '0123456789') expected[`digit/${d}.wav`] = hash(d);
		for (const [key, name] of Object.entries(htScheduling as Record<string, string>)) {
			if (key.startsWith('state.')) expected[`state/${key.slice(6)}.wav`] = hash(name.trim());
		}
		expect(manifest).toEqual(expected);
		for (const file of Object.keys(expected)) {
			const path = new URL(`../../static/audio/ht/${file}`, import.meta.url);
			expect(existsSync(path), file).toBe(true);
			// 8 kHz mono 16-bit PCM, what a phone call carries.
			const header = readFileSync(path).subarray(0, 36);
			expect([header.toString('ascii', 0, 4), header.readUInt16LE(22), header.readUInt32LE(24)]).toEqual([
				'RIFF',
				1,
				8000
			]);
		}
	});
});
