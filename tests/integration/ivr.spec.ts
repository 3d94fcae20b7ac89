import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import en from '../../locales/en/ivr.json' with { type: 'json' };
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { fixedClock } from '../../src/lib/server/platform/clock';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import {
	conferenceEvent,
	gatherAnswer,
	incomingCall,
	type IvrDeps
} from '../../src/lib/server/telephony/ivr';
import { p2pVideoProvider } from '../../src/lib/server/integrations/video/p2p';
import { roomView } from '../../src/lib/server/visits/view';
import { reminderCall } from '../../src/lib/server/telephony/reminder-call';
import { enqueue } from '../../src/lib/server/platform/outbox/outbox';
import { patientNamed, staffActorFor } from '../factories';
import { captureLogger, testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';

const p2p = p2pVideoProvider({ kind: 'p2p', stunUrls: [], turnUrls: [], turnSecret: undefined });
const sid = () => `CA${randomBytes(16).toString('hex')}`;
const said = (twiml: string) =>
	[...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!.replace(/&apos;/g, "'"));
const fill = (text: string, params: Record<string, string>) =>
	text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? '');

describe.each(DATABASE_KINDS)('the phone line on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup(patientName: 'Marcus' | 'Rosa', state: 'CO' | 'TX') {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test')
		});
		const patient = await patientNamed(db, phi, patientName);
		const [slot] = await searchSlots(scheduler.ctx, {
			patientState: state,
			from: '2026-12-02',
			to: '2026-12-02',
			modality: 'phone',
			limit: 1
		});
		const { appointment } = await bookAppointment(
			scheduler.ctx,
			{ patientId: patient.id, slotId: slot!.id, modality: 'phone', patientState: state },
			{ idempotencyKey: `ivr-${patientName}` }
		);
		const clock = fixedClock(new Date(appointment.start.getTime() - 10 * 60_000));
		const deps: IvrDeps = {
			db,
			phi,
			clock,
			logger: captureLogger().logger,
			baseUrl: 'https://clinic.example.org',
			staffNumber: null
		};
		return { db, deps, patient, appointment };
	}

	test('a patient calling from their own number is recognised, confirms their birth date, place and consent, and waits for the clinician', async () => {
		const t = await setup('Marcus', 'CO');
		const call = { CallSid: sid(), From: '+17205550103', To: '+15005550006' };
		const menu = await incomingCall(t.deps, call);
		// The first instruction gathers the language; each option is said in its own language.
		expect(menu).toMatch(
			/^<\?xml[^>]*><Response><Gather[^>]*action="https:\/\/clinic\.example\.org\/telephony\/voice\/gather"/
		);
		expect(said(menu)[0]).toBe(fill(en['language.option'], { digit: '1' }));
		// Eight are spoken by Twilio voices; Haitian Creole, which Twilio cannot speak, is recorded.
		expect(said(menu)).toHaveLength(8);
		expect(menu).toContain(
			'<Play>https://clinic.example.org/audio/ht/language.option.0.wav</Play><Play>https://clinic.example.org/audio/ht/digit/9.wav</Play>'
		);

		// English; nothing about the patient is said before the birth date matches.
		const dob = await gatherAnswer(t.deps, { ...call, Digits: '1' });
		expect(said(dob)).toEqual([en['dob.ask'], en['repeat_hint']]);
		const location = await gatherAnswer(t.deps, { ...call, Digits: '01171995' });
		expect(said(location)[0]).toBe(fill(en['location.ask'], { state: 'Colorado' }));
		const consent = await gatherAnswer(t.deps, { ...call, Digits: '1' });
		expect(said(consent)[0]).toBe(en['consent.ask']);
		const agreed = { ...call, Digits: '1', idempotencyToken: 'retry-token-1' };
		const hold = await gatherAnswer(t.deps, agreed);
		expect(said(hold)).toEqual([en['hold.intro']]);
		expect(hold).toContain(`<Conference waitUrl="https://clinic.example.org/telephony/voice/hold"`);
		expect(hold).toContain(`>visit-${t.appointment.id}</Conference>`);

		const visit = await t.db
			.selectFrom('visits')
			.select('status')
			.where('appointment_id', '=', t.appointment.id)
			.executeTakeFirstOrThrow();
		expect(visit.status).toBe('waiting');
		const consents = await t.db
			.selectFrom('consents')
			.select(['method', 'call_sid'])
			.where('patient_id', '=', t.patient.id)
			.execute();
		expect(consents).toEqual([{ method: 'verbal_ivr', call_sid: call.CallSid }]);
		const checkIn = await t.db
			.selectFrom('check_ins')
			.select(['location_state', 'licensure_allowed'])
			.executeTakeFirstOrThrow();
		expect(checkIn).toEqual({ location_state: 'CO', licensure_allowed: true });
		// The conference reports her joining: the clinician's visit page shows her on the phone line.
		const clinician = testContext(t.db, {
			phi,
			now: t.deps.clock.now().toISOString(),
			actor: {
				kind: 'staff',
				id: t.appointment.clinicianId,
				organizationId: t.patient.organizationId,
				roles: ['clinician']
			}
		}).ctx;
		const join = { visitId: t.appointment.id, callSid: call.CallSid, muted: false };
		await conferenceEvent(t.deps, { ...join, event: 'participant-join' });
		expect((await roomView(clinician, p2p, t.appointment.id)).phone).toEqual([
			{ role: 'patient', muted: false }
		]);
		// Another visit's conference, or a call that is not hers, changes nothing.
		await conferenceEvent(t.deps, { ...join, visitId: crypto.randomUUID(), event: 'participant-leave' });
		await conferenceEvent(t.deps, { ...join, callSid: sid(), event: 'participant-leave' });
		expect((await roomView(clinician, p2p, t.appointment.id)).phone).toHaveLength(1);
		await conferenceEvent(t.deps, { ...join, event: 'participant-leave' });
		expect((await roomView(clinician, p2p, t.appointment.id)).phone).toEqual([]);
		// Twilio retrying the last webhook gets the same answer, and nothing is written twice.
		expect(await gatherAnswer(t.deps, agreed)).toBe(hold);
		expect(await t.db.selectFrom('consents').select('id').execute()).toHaveLength(1);
	});

	test('three wrong birth dates end the call and lock phone check-in for that patient; staff are alerted', async () => {
		const t = await setup('Marcus', 'CO');
		const call = { CallSid: sid(), From: '+17205550103' };
		await incomingCall(t.deps, call);
		await gatherAnswer(t.deps, { ...call, Digits: '1' });
		expect(said(await gatherAnswer(t.deps, { ...call, Digits: '01011990' }))[0]).toBe(en['dob.wrong']);
		expect(said(await gatherAnswer(t.deps, { ...call, Digits: '01021990' }))[0]).toBe(en['dob.wrong']);
		const locked = await gatherAnswer(t.deps, { ...call, Digits: '01031990' });
		expect(said(locked)).toEqual([en['locked']]);
		expect(locked).toContain('<Hangup/>');
		// A new call from the same number is refused at once, even with the right date.
		const again = { CallSid: sid(), From: '+17205550103' };
		await incomingCall(t.deps, again);
		expect(said(await gatherAnswer(t.deps, { ...again, Digits: '1' }))).toEqual([en['locked']]);
		const alerts = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('action', '=', 'ivr.locked')
			.execute();
		expect(alerts).toHaveLength(1);
		expect(await t.db.selectFrom('visits').select('appointment_id').execute()).toEqual([]);
	});

	test('an unknown number is asked for the visit code; a wrong code reveals nothing and, after two more, the caller is offered the clinic', async () => {
		const t = await setup('Rosa', 'TX');
		await t.db
			.insertInto('readiness_checks')
			.values({
				appointment_id: t.appointment.id,
				browser_supported: false,
				camera: 'missing',
				microphone: 'missing',
				speaker_heard: null,
				downlink_kbps: 0,
				rtt_ms: 0,
				recommendation: 'phone',
				accepted: 'phone',
				visit_code: '482913',
				checked_at: new Date('2026-11-30T15:00:00Z')
			})
			.execute();
		const call = { CallSid: sid(), From: '+13125550199' };
		await incomingCall(t.deps, call);
		const es = (await import('../../locales/es/ivr.json', { with: { type: 'json' } })).default as Record<
			string,
			string
		>;
		const code = await gatherAnswer(t.deps, { ...call, Digits: '2' });
		expect(code).toContain('voice="Polly.Lupe"');
		expect(said(code)[0]).toBe(es['code.ask']);
		for (const wrong of ['111111', '222222']) {
			expect(said(await gatherAnswer(t.deps, { ...call, Digits: wrong }))[0]).toBe(es['invalid']);
		}
		const offered = await gatherAnswer(t.deps, { ...call, Digits: '333333' });
		expect(said(offered)).toEqual([es['staff.unavailable']]);

		// Another call with the right code goes on to the birth date, in Spanish.
		const second = { CallSid: sid(), From: '+13125550199' };
		await incomingCall(t.deps, second);
		await gatherAnswer(t.deps, { ...second, Digits: '2' });
		expect(said(await gatherAnswer(t.deps, { ...second, Digits: '482913' }))[0]).toBe(es['dob.ask']);
	});

	test('silence and wrong keys are asked again twice, star repeats, and a place the clinician cannot practise ends kindly', async () => {
		const t = await setup('Marcus', 'CO');
		const call = { CallSid: sid(), From: '+17205550103' };
		await incomingCall(t.deps, call);
		expect(said(await gatherAnswer(t.deps, call))[0]).toBe(en['no_input']);
		expect(said(await gatherAnswer(t.deps, { ...call, Digits: '#' }))[0]).toBe(en['invalid']);
		await gatherAnswer(t.deps, { ...call, Digits: '1' });
		expect(said(await gatherAnswer(t.deps, { ...call, Digits: '*' }))).toEqual([
			en['dob.ask'],
			en['repeat_hint']
		]);
		await gatherAnswer(t.deps, { ...call, Digits: '01171995' });
		// Marcus says he is not in Colorado, and names his state on the keypad.
		const naming = await gatherAnswer(t.deps, { ...call, Digits: '2' });
		expect(said(naming)[0]).toBe(en['state.ask']);
		expect(await t.db.selectFrom('check_ins').select('appointment_id').execute()).toEqual([]);
		// U T and V T share the keys 8 8: he is asked which.
		const which = await gatherAnswer(t.deps, { ...call, Digits: '88' });
		expect(said(which).slice(0, 3)).toEqual([
			en['state_choice.ask'],
			fill(en['state.option'], { state: 'Utah', digit: '1' }),
			fill(en['state.option'], { state: 'Vermont', digit: '2' })
		]);
		// Star repeats the choices.
		expect(said(await gatherAnswer(t.deps, { ...call, Digits: '*' }))).toEqual(said(which));
		// He picks Utah by mistake, says no, and names Hawaii instead (H I: 4 4).
		const utah = await gatherAnswer(t.deps, { ...call, Digits: '1' });
		expect(said(utah)[0]).toBe(fill(en['location.ask'], { state: 'Utah' }));
		const other = await gatherAnswer(t.deps, { ...call, Digits: '2' });
		expect(said(other)[0]).toBe(en['state.ask']);
		expect(said(await gatherAnswer(t.deps, { ...call, Digits: '44' }))[0]).toBe(
			fill(en['location.ask'], { state: 'Hawaii' })
		);
		// He is checked in from Hawaii, where his clinician is not licensed: the call ends kindly.
		const refused = await gatherAnswer(t.deps, { ...call, Digits: '1' });
		expect(said(refused)).toEqual([fill(en['licensure.refused'], { state: 'Hawaii' })]);
		const checkIn = await t.db
			.selectFrom('check_ins')
			.select(['location_state', 'licensure_allowed'])
			.executeTakeFirstOrThrow();
		expect(checkIn).toEqual({ location_state: 'HI', licensure_allowed: false });
		expect(await t.db.selectFrom('visits').select('appointment_id').execute()).toEqual([]);
	});

	test('a reminder call: 1 confirms the visit as the patient; an answering machine hears no details', async () => {
		const t = await setup('Marcus', 'CO');
		const message = await enqueue(
			t.db,
			phi,
			{
				channel: 'voice',
				idempotencyKey: 'reminder-call-test',
				payload: {
					to: '+17205550103',
					say: 'Hello, this is Riverbend. You have a visit on Wednesday. To confirm, press 1.',
					language: 'en',
					appointmentId: t.appointment.id,
					keypad: true
				}
			},
			{ now: t.deps.clock.now(), maxAttempts: 3 }
		);
		const base = { messageId: message.id, CallSid: sid() };
		const machine = await reminderCall(t.deps, { ...base, tries: 0, AnsweredBy: 'machine_end_beep' });
		expect(said(machine)).toEqual([en['reminder.machine']]);
		const person = await reminderCall(t.deps, { ...base, tries: 0, AnsweredBy: 'human' });
		expect(said(person)[0]).toContain('You have a visit on Wednesday');
		expect(await reminderCall(t.deps, { ...base, tries: 1, Digits: '1' })).toContain(
			en['reminder.confirmed']
		);
		const appointment = await t.db
			.selectFrom('appointments')
			.select(['status', 'confirmed_at'])
			.where('id', '=', t.appointment.id)
			.executeTakeFirstOrThrow();
		expect(appointment.status).toBe('confirmed');
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['action', 'actor_kind', 'actor_id'])
			.where('action', '=', 'appointment.confirm')
			.execute();
		expect(audit).toEqual([{ action: 'appointment.confirm', actor_kind: 'patient', actor_id: t.patient.id }]);
		// An unknown message id is a call that says nothing about anyone.
		const unknown = await reminderCall(t.deps, {
			...base,
			messageId: crypto.randomUUID(),
			tries: 1,
			Digits: '1'
		});
		expect(said(unknown)).toEqual([en['staff.unavailable']]);
		expect(
			await t.db
				.selectFrom('audit_log')
				.select('action')
				.where('action', '=', 'appointment.confirm')
				.execute()
		).toHaveLength(1);
	});
});
