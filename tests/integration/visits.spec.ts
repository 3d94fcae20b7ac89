import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import type { VideoProvider } from '../../src/lib/server/integrations/video/provider';
import { p2pVideoProvider } from '../../src/lib/server/integrations/video/p2p';
import { submitCheckIn, type CheckInInput } from '../../src/lib/server/previsit/check-in';
import { consentForVisit, signConsent } from '../../src/lib/server/previsit/consent';
import type { Actor, ServiceContext } from '../../src/lib/server/platform/context';
import { createEventBus } from '../../src/lib/server/platform/events';
import { openPayload } from '../../src/lib/server/platform/outbox/repository';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { chatMessages, postChatMessage } from '../../src/lib/server/visits/chat';
import { openConnection, relaySignal } from '../../src/lib/server/visits/connections';
import {
	askToJoin,
	authenticateGuest,
	decideGuest,
	guestInvitation,
	inviteGuest
} from '../../src/lib/server/visits/guests';
import { joinGrant } from '../../src/lib/server/visits/media';
import { waitingQueue } from '../../src/lib/server/visits/queue';
import {
	endVisit,
	enterWaitingRoom,
	setCaptions,
	setRecording,
	startVisit,
	switchModality,
	visitTimeline
} from '../../src/lib/server/visits/room';
import { followRoom, type RoomMessage } from '../../src/lib/server/visits/stream';
import { roomView } from '../../src/lib/server/visits/view';
import { patientNamed, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

const BASE = 'https://clinic.example.org';
const ORIGIN = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (Linux; Android 10) Chrome/120' };
const CHECK_IN: CheckInInput = {
	locationState: 'IL',
	locationSetting: 'home',
	callbackPhone: '(312) 555-0142',
	language: 'ar',
	accommodations: { interpreterLanguage: 'ar' }
};
const p2p = p2pVideoProvider({ kind: 'p2p', stunUrls: [], turnUrls: [], turnSecret: undefined });

/** A provider that records, remembering what it was asked. */
function recordingProvider(): VideoProvider & { calls: string[] } {
	const calls: string[] = [];
	return {
		kind: 'twilio',
		supportsRecording: true,
		calls,
		openRoom: (id) => Promise.resolve(void calls.push(`open:${id}`)),
		joinGrant: (_id, identity) =>
			Promise.resolve({ provider: 'twilio', identity, token: 'jwt', roomName: 'visit-x' }),
		setRecording: (id, on) => Promise.resolve(void calls.push(`record:${id}:${on}`)),
		closeRoom: (id) => Promise.resolve(void calls.push(`close:${id}`))
	};
}

describe.each(DATABASE_KINDS)('the visit room on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	/** Follows a room as `ctx` would from a page: what arrives, a wait for a condition on it, and leaving. */
	async function follow(ctx: ServiceContext, appointmentId: string) {
		const events = await createEventBus(database().handle);
		const received: RoomMessage[] = [];
		let heard: () => void = () => {};
		const stop = new AbortController();
		const following = followRoom(
			ctx,
			{ events, video: p2p },
			appointmentId,
			(message) => {
				received.push(message);
				heard();
			},
			stop.signal
		);
		const until = (predicate: () => boolean) =>
			new Promise<void>((resolve) => {
				heard = () => predicate() && resolve();
				heard();
			});
		const leave = async () => {
			stop.abort();
			await following;
			await events.close();
		};
		return { received, until, leave };
	}

	async function setup(options: { recording?: 'yes' | 'no' } = {}) {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
			now: '2026-11-30T15:00:00Z'
		});
		const layla = await patientNamed(db, phi, 'Layla');
		const rosa = await patientNamed(db, phi, 'Rosa');
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
			{ idempotencyKey: 'visit-room-1' }
		);
		// Ten minutes before the visit; each actor has its own clock, moved together by `at`.
		let now = new Date(appointment.start.getTime() - 10 * 60_000);
		const as = (actor: Actor) => testContext(db, { phi, actor, now: now.toISOString() }).ctx;
		const patient = () => as({ kind: 'patient', id: layla.id, organizationId: layla.organizationId });
		const clinician = () =>
			as({
				kind: 'staff',
				id: appointment.clinicianId,
				organizationId: layla.organizationId,
				roles: ['clinician']
			});
		const at = (minutes: number) => (now = new Date(appointment.start.getTime() + minutes * 60_000));
		const ready = async () => {
			await submitCheckIn(patient(), appointment.id, CHECK_IN);
			const shown = await consentForVisit(patient(), appointment.id);
			await signConsent(patient(), appointment.id, {
				templateId: shown.telehealth.template!.id,
				recordingTemplateId: shown.recording.template!.id,
				signerName: 'Layla Hassan',
				recording: options.recording ?? 'no',
				origin: ORIGIN
			});
		};
		const count = async (table: 'visits' | 'visit_segments' | 'visit_chat_messages' | 'visit_guests') =>
			Number(
				(
					await db
						.selectFrom(table)
						.select((eb) => eb.fn.countAll<string>().as('n'))
						.executeTakeFirstOrThrow()
				).n
			);
		return { db, scheduler, layla, rosa, appointment, patient, clinician, as, at, ready, count };
	}

	test('the waiting room needs check-in, a place the clinician may practise and current consent; nothing is written until then', async () => {
		const t = await setup();
		expect((await appErrorOf(enterWaitingRoom(t.patient(), t.appointment.id))).code).toBe(
			'CHECK_IN_REQUIRED'
		);
		await submitCheckIn(t.patient(), t.appointment.id, { ...CHECK_IN, locationState: 'AK' });
		expect((await appErrorOf(enterWaitingRoom(t.patient(), t.appointment.id))).code).toBe('LICENSURE');
		await submitCheckIn(t.patient(), t.appointment.id, CHECK_IN);
		expect((await appErrorOf(enterWaitingRoom(t.patient(), t.appointment.id))).code).toBe('CONSENT_REQUIRED');
		expect(await t.count('visits')).toBe(0);
		const view = await roomView(t.patient(), p2p, t.appointment.id);
		expect(view).toMatchObject({
			status: 'not_entered',
			requirements: { checkIn: true, consent: false, licensure: true }
		});
		// Another patient, and staff who do not treat, cannot enter or see this room.
		const rosa = t.as({ kind: 'patient', id: t.rosa.id, organizationId: t.rosa.organizationId });
		expect((await appErrorOf(enterWaitingRoom(rosa, t.appointment.id))).code).toBe('NOT_FOUND');
		expect((await appErrorOf(roomView(t.scheduler.ctx, p2p, t.appointment.id))).code).toBe('NOT_FOUND');
	});

	test('a visit runs from the waiting room through video, audio only, phone and back, and the timeline keeps every segment', async () => {
		const t = await setup();
		await t.ready();
		const waiting = await enterWaitingRoom(t.patient(), t.appointment.id);
		expect(waiting.status).toBe('waiting');
		// Entering again (a second tap, a reload) changes nothing.
		expect((await enterWaitingRoom(t.patient(), t.appointment.id)).waitingSince).toEqual(
			waiting.waitingSince
		);
		const queue = await waitingQueue(t.clinician());
		expect(queue).toMatchObject([
			{
				visitId: t.appointment.id,
				status: 'waiting',
				patientName: 'Layla Hassan',
				language: 'ar',
				accommodations: { interpreterLanguage: 'ar' }
			}
		]);
		expect(
			(
				await appErrorOf(
					switchModality(t.patient(), t.appointment.id, { modality: 'audio', reason: 'choice' })
				)
			).code
		).toBe('VISIT_NOT_RUNNING');

		t.at(1);
		await startVisit(t.clinician(), p2p, t.appointment.id);
		t.at(4);
		await switchModality(t.clinician(), t.appointment.id, { modality: 'audio', reason: 'poor_network' });
		t.at(6);
		// Asking for the modality the visit is already in adds nothing.
		await switchModality(t.patient(), t.appointment.id, { modality: 'audio', reason: 'choice' });
		await switchModality(t.patient(), t.appointment.id, { modality: 'phone', reason: 'choice' });
		t.at(9);
		await switchModality(t.patient(), t.appointment.id, { modality: 'video', reason: 'choice' });
		t.at(15);
		await endVisit(t.clinician(), p2p, t.appointment.id);

		const timeline = await visitTimeline(t.clinician(), t.appointment.id);
		const minute = (m: number) => new Date(t.appointment.start.getTime() + m * 60_000);
		expect(timeline).toEqual({
			status: 'ended',
			segments: [
				{ modality: 'video', start: minute(1), end: minute(4), startedBy: 'staff', reason: 'start' },
				{ modality: 'audio', start: minute(4), end: minute(6), startedBy: 'staff', reason: 'poor_network' },
				{ modality: 'phone', start: minute(6), end: minute(9), startedBy: 'patient', reason: 'choice' },
				{ modality: 'video', start: minute(9), end: minute(15), startedBy: 'patient', reason: 'choice' }
			]
		});
		// The appointment is completed and the EHR will be told.
		const appointment = await t.db
			.selectFrom('appointments')
			.select('status')
			.where('id', '=', t.appointment.id)
			.executeTakeFirstOrThrow();
		expect(appointment.status).toBe('completed');
		const fhir = await t.db
			.selectFrom('outbox')
			.select('idempotency_key')
			.where('channel', '=', 'fhir')
			.execute();
		expect(fhir.length).toBeGreaterThanOrEqual(2);
		// Ending twice is harmless; nothing runs after the end.
		await endVisit(t.clinician(), p2p, t.appointment.id);
		expect(
			(
				await appErrorOf(
					switchModality(t.patient(), t.appointment.id, { modality: 'audio', reason: 'choice' })
				)
			).code
		).toBe('VISIT_NOT_RUNNING');
		expect((await appErrorOf(enterWaitingRoom(t.patient(), t.appointment.id))).code).toBe('VISIT_ENDED');
		expect(await t.count('visit_segments')).toBe(4);
		// Clinic staff read the timeline; the patient is answered as if it did not exist.
		expect((await visitTimeline(t.scheduler.ctx, t.appointment.id)).segments).toHaveLength(4);
		expect((await appErrorOf(visitTimeline(t.patient(), t.appointment.id))).code).toBe('NOT_FOUND');
	});

	test('the first segment is what the patient accepted at the device check; only clinicians start and end', async () => {
		const t = await setup();
		await t.ready();
		await t.db
			.insertInto('readiness_checks')
			.values({
				appointment_id: t.appointment.id,
				browser_supported: true,
				camera: 'missing',
				microphone: 'ok',
				speaker_heard: true,
				downlink_kbps: 300,
				rtt_ms: 200,
				recommendation: 'audio',
				accepted: 'audio',
				visit_code: '123456',
				checked_at: new Date('2026-11-30T15:00:00Z')
			})
			.execute();
		await enterWaitingRoom(t.patient(), t.appointment.id);
		expect((await appErrorOf(startVisit(t.patient(), p2p, t.appointment.id))).code).toBe('FORBIDDEN');
		expect((await appErrorOf(startVisit(t.scheduler.ctx, p2p, t.appointment.id))).code).toBe('NOT_FOUND');
		expect(await t.count('visit_segments')).toBe(0);
		await startVisit(t.clinician(), p2p, t.appointment.id);
		expect((await roomView(t.patient(), p2p, t.appointment.id)).modality).toBe('audio');
		expect((await appErrorOf(endVisit(t.patient(), p2p, t.appointment.id))).code).toBe('FORBIDDEN');
	});

	test('captions start on when the patient asked for them at check-in, and anyone in the visit turns them off or on', async () => {
		const t = await setup();
		await t.ready();
		await submitCheckIn(t.patient(), t.appointment.id, { ...CHECK_IN, accommodations: { captions: true } });
		await enterWaitingRoom(t.patient(), t.appointment.id);
		expect((await appErrorOf(setCaptions(t.patient(), t.appointment.id, false))).code).toBe(
			'VISIT_NOT_RUNNING'
		);
		await startVisit(t.clinician(), p2p, t.appointment.id);
		expect((await roomView(t.clinician(), p2p, t.appointment.id)).captions).toBe(true);
		await setCaptions(t.patient(), t.appointment.id, false);
		expect((await roomView(t.clinician(), p2p, t.appointment.id)).captions).toBe(false);
		await setCaptions(t.clinician(), t.appointment.id, true);
		expect((await roomView(t.patient(), p2p, t.appointment.id)).captions).toBe(true);
		const actions = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('action', 'like', 'visit.captions.%')
			.execute();
		expect(actions.map((a) => a.action)).toEqual(['visit.captions.off', 'visit.captions.on']);
	});

	test('chat goes both ways, is sealed at rest, and refuses empty, oversized or early messages without writing', async () => {
		const t = await setup();
		await t.ready();
		await enterWaitingRoom(t.patient(), t.appointment.id);
		expect((await appErrorOf(postChatMessage(t.patient(), t.appointment.id, 'hello'))).code).toBe(
			'VISIT_NOT_RUNNING'
		);
		await startVisit(t.clinician(), p2p, t.appointment.id);
		await postChatMessage(t.patient(), t.appointment.id, 'أسمعك بصعوبة');
		await postChatMessage(t.clinician(), t.appointment.id, 'I will type, then.');
		const messages = await chatMessages(t.clinician(), t.appointment.id);
		expect(messages.map((m) => [m.from.split(':')[0], m.body])).toEqual([
			['patient', 'أسمعك بصعوبة'],
			['staff', 'I will type, then.']
		]);
		const stored = await t.db.selectFrom('visit_chat_messages').select('body_enc').execute();
		for (const row of stored) expect(row.body_enc).not.toContain('I will type');
		for (const text of ['   ', 'x'.repeat(2001)]) {
			expect((await appErrorOf(postChatMessage(t.patient(), t.appointment.id, text))).code).toBe(
				'VALIDATION'
			);
		}
		expect(await t.count('visit_chat_messages')).toBe(2);
	});

	test('a guest is invited by a link that names no patient, waits to be admitted, and loses access when the visit ends', async () => {
		const t = await setup();
		await t.ready();
		await enterWaitingRoom(t.patient(), t.appointment.id);
		// The patient may invite an interpreter, not a clinician.
		expect(
			(
				await appErrorOf(
					inviteGuest(
						t.patient(),
						t.appointment.id,
						{ role: 'clinician', name: 'Dr X', contact: '+13125550100', language: 'en' },
						BASE
					)
				)
			).code
		).toBe('FORBIDDEN');
		expect(
			(
				await appErrorOf(
					inviteGuest(
						t.patient(),
						t.appointment.id,
						{ role: 'interpreter', name: 'Omar', contact: 'not a contact', language: 'ar' },
						BASE
					)
				)
			).fields
		).toEqual([{ field: 'contact', key: 'errors:field.recipient' }]);
		expect(await t.count('visit_guests')).toBe(0);
		const { id: guestId } = await inviteGuest(
			t.patient(),
			t.appointment.id,
			{ role: 'interpreter', name: 'Omar Haddad', contact: '+1 (312) 555-0177', language: 'en' },
			BASE
		);
		const sms = await t.db
			.selectFrom('outbox')
			.selectAll()
			.where('idempotency_key', '=', `guest:${guestId}`)
			.executeTakeFirstOrThrow();
		const payload = (await openPayload(t.db, phi, sms)) as { to: string; body: string };
		expect(payload.to).toBe('+13125550177');
		expect(payload.body).not.toContain('Layla');
		expect(payload.body.length).toBeLessThanOrEqual(160);
		const link = /\/guest\/([a-z2-7]{32})$/.exec(payload.body)![1]!;

		const anonymous = t.as({ kind: 'anonymous' });
		expect(await guestInvitation(anonymous, link)).toMatchObject({
			role: 'interpreter',
			name: 'Omar Haddad'
		});
		expect((await appErrorOf(guestInvitation(anonymous, 'a'.repeat(32)))).code).toBe('LINK_EXPIRED');
		const { sessionToken } = await askToJoin(anonymous, link);
		const guest = await authenticateGuest(t.db, sessionToken);
		expect(guest).toMatchObject({ id: guestId, appointmentId: t.appointment.id });
		const asGuest = t.as({ kind: 'guest', ...guest! });
		// Waiting guests see the room but take no part: no chat, no media, no signalling.
		expect((await roomView(asGuest, p2p, t.appointment.id)).you).toMatchObject({
			role: 'interpreter',
			inVisit: false
		});
		expect((await appErrorOf(decideGuest(t.clinician(), t.appointment.id, guestId, 'admit'))).code).toBe(
			'VISIT_NOT_RUNNING'
		);
		await startVisit(t.clinician(), p2p, t.appointment.id);
		expect((await appErrorOf(postChatMessage(asGuest, t.appointment.id, 'hi'))).code).toBe('FORBIDDEN');
		const guestPage = await openConnection(asGuest, t.appointment.id);
		expect((await appErrorOf(joinGrant(asGuest, p2p, t.appointment.id, guestPage.connectionId))).code).toBe(
			'FORBIDDEN'
		);
		expect((await appErrorOf(decideGuest(t.patient(), t.appointment.id, guestId, 'admit'))).code).toBe(
			'FORBIDDEN'
		);
		await decideGuest(t.clinician(), t.appointment.id, guestId, 'admit');
		await postChatMessage(asGuest, t.appointment.id, 'مرحبا، أنا المترجم');
		expect(await joinGrant(asGuest, p2p, t.appointment.id, guestPage.connectionId)).toEqual({
			provider: 'p2p',
			identity: guestPage.connectionId,
			iceServers: []
		});
		// A guest never switches the visit's modality.
		expect(
			(await appErrorOf(switchModality(asGuest, t.appointment.id, { modality: 'audio', reason: 'choice' })))
				.code
		).toBe('FORBIDDEN');
		const clinicianView = await roomView(t.clinician(), p2p, t.appointment.id);
		expect(clinicianView.guests).toEqual([
			{ id: guestId, role: 'interpreter', name: 'Omar Haddad', status: 'admitted' }
		]);

		await endVisit(t.clinician(), p2p, t.appointment.id);
		expect(await authenticateGuest(t.db, sessionToken)).toBeNull();
		expect((await appErrorOf(guestInvitation(anonymous, link))).code).toBe('VISIT_ENDED');
		expect((await appErrorOf(askToJoin(anonymous, link))).code).toBe('VISIT_ENDED');
		// Another visit's room is out of a guest's reach.
		const elsewhere = t.as({
			kind: 'guest',
			id: guestId,
			organizationId: t.layla.organizationId,
			appointmentId: crypto.randomUUID()
		});
		expect((await appErrorOf(roomView(elsewhere, p2p, t.appointment.id))).code).toBe('NOT_FOUND');
	});

	test('a second tab takes over the first, and signalling only passes between open pages, each as itself', async () => {
		const t = await setup();
		await t.ready();
		await enterWaitingRoom(t.patient(), t.appointment.id);
		await startVisit(t.clinician(), p2p, t.appointment.id);
		const first = await openConnection(t.patient(), t.appointment.id);
		const second = await openConnection(t.patient(), t.appointment.id);
		const doctor = await openConnection(t.clinician(), t.appointment.id);
		const superseded = await t.db
			.selectFrom('visit_events')
			.select(['type', 'recipient'])
			.where('type', '=', 'superseded')
			.execute();
		expect(superseded).toEqual([{ type: 'superseded', recipient: first.connectionId }]);
		const view = await roomView(t.clinician(), p2p, t.appointment.id);
		expect(view.participants.map((p) => p.connection).sort()).toEqual(
			[second.connectionId, doctor.connectionId].sort()
		);
		const offer = { kind: 'offer', sdp: 'v=0' };
		// From the replaced page, or as someone else, or to a page that is gone: refused.
		for (const signal of [
			{ from: first.connectionId, to: doctor.connectionId, data: offer },
			{ from: doctor.connectionId, to: second.connectionId, data: offer },
			{ from: second.connectionId, to: first.connectionId, data: offer }
		]) {
			expect((await appErrorOf(relaySignal(t.patient(), t.appointment.id, signal))).code).toBe('CONFLICT');
		}
		await relaySignal(t.patient(), t.appointment.id, {
			from: second.connectionId,
			to: doctor.connectionId,
			data: offer
		});
		const signals = await t.db
			.selectFrom('visit_events')
			.select(['recipient', 'payload'])
			.where('type', '=', 'signal')
			.execute();
		expect(signals).toEqual([
			{ recipient: doctor.connectionId, payload: { from: second.connectionId, data: offer } }
		]);
	});

	test('recording is refused without the patient’s recording consent, or with a provider that cannot record', async () => {
		const t = await setup({ recording: 'no' });
		await t.ready();
		await enterWaitingRoom(t.patient(), t.appointment.id);
		const provider = recordingProvider();
		await startVisit(t.clinician(), provider, t.appointment.id);
		expect((await roomView(t.clinician(), p2p, t.appointment.id)).recording).toEqual({
			on: false,
			unavailable: 'unsupported'
		});
		expect((await roomView(t.clinician(), provider, t.appointment.id)).recording).toEqual({
			on: false,
			unavailable: 'no_consent'
		});
		expect((await appErrorOf(setRecording(t.clinician(), provider, t.appointment.id, true))).code).toBe(
			'RECORDING_UNAVAILABLE'
		);
		expect(provider.calls).toEqual([`open:${t.appointment.id}`]);
		expect((await roomView(t.patient(), provider, t.appointment.id)).recording.on).toBe(false);
	});

	test('with recording consent the clinician records, and everyone sees it', async () => {
		const t = await setup({ recording: 'yes' });
		await t.ready();
		await enterWaitingRoom(t.patient(), t.appointment.id);
		const provider = recordingProvider();
		await startVisit(t.clinician(), provider, t.appointment.id);
		expect((await appErrorOf(setRecording(t.patient(), provider, t.appointment.id, true))).code).toBe(
			'FORBIDDEN'
		);
		await setRecording(t.clinician(), provider, t.appointment.id, true);
		expect((await roomView(t.patient(), provider, t.appointment.id)).recording).toEqual({
			on: true,
			unavailable: null
		});
		await endVisit(t.clinician(), provider, t.appointment.id);
		expect(provider.calls).toEqual([
			`open:${t.appointment.id}`,
			`record:${t.appointment.id}:true`,
			`close:${t.appointment.id}`
		]);
	});

	test('a page following the room hears of changes through NOTIFY, and leaving closes its connection', async () => {
		const t = await setup();
		await t.ready();
		await enterWaitingRoom(t.patient(), t.appointment.id);
		const { received, until, leave } = await follow(t.patient(), t.appointment.id);
		await until(() => received.some((m) => m.event === 'state'));
		expect(received[0]).toMatchObject({ event: 'hello' });
		expect(received[1]).toMatchObject({ event: 'state', data: { status: 'waiting' } });
		await startVisit(t.clinician(), p2p, t.appointment.id);
		await until(() =>
			received.some((m) => m.event === 'state' && (m.data as { status: string }).status === 'in_progress')
		);
		await postChatMessage(t.clinician(), t.appointment.id, 'Can you hear me?');
		await until(() => received.some((m) => m.event === 'chat'));
		expect(received.find((m) => m.event === 'chat')!.data).toMatchObject([{ body: 'Can you hear me?' }]);
		await leave();
		const open = await t.db.selectFrom('visit_connections').select('closed_reason').execute();
		expect(open).toEqual([{ closed_reason: 'left' }]);
	});

	test('a guest following the room receives the chat so far once admitted, not before', async () => {
		const t = await setup();
		await t.ready();
		await enterWaitingRoom(t.patient(), t.appointment.id);
		await startVisit(t.clinician(), p2p, t.appointment.id);
		await postChatMessage(t.patient(), t.appointment.id, 'before the interpreter came');
		const anonymous = t.as({ kind: 'anonymous' });
		const { id: guestId } = await inviteGuest(
			t.clinician(),
			t.appointment.id,
			{ role: 'interpreter', name: 'Jordan', contact: '+17205550199', language: 'en' },
			BASE
		);
		const row = await t.db
			.selectFrom('outbox')
			.selectAll()
			.where('idempotency_key', '=', `guest:${guestId}`)
			.executeTakeFirstOrThrow();
		const body = ((await openPayload(t.db, phi, row)) as { body: string }).body;
		const { sessionToken } = await askToJoin(anonymous, /\/guest\/([a-z2-7]{32})$/.exec(body)![1]!);
		const guest = t.as({ kind: 'guest', ...(await authenticateGuest(t.db, sessionToken))! });

		const { received, until, leave } = await follow(guest, t.appointment.id);
		await until(() => received.some((m) => m.event === 'state'));
		expect(received.some((m) => m.event === 'chat')).toBe(false);
		await decideGuest(t.clinician(), t.appointment.id, guestId, 'admit');
		await until(() => received.some((m) => m.event === 'chat'));
		expect(received.find((m) => m.event === 'chat')!.data).toMatchObject([
			{ body: 'before the interpreter came' }
		]);
		await leave();
	});
});
