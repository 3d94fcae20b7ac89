import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
	MENU_LANGUAGES,
	NEW_CALL,
	answer,
	goodbye,
	greet,
	holdMusic,
	keypadStates,
	type CallState,
	type Facts,
	type FlowUrls,
	type Turn
} from '$telephony/flow';
import { createAuditor } from '../platform/audit/audit';
import type { Actor, ServiceContext } from '../platform/context';
import type { PhiCipher } from '../platform/crypto/phi';
import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db';
import { isAppError } from '../platform/errors';
import { tFor } from '../platform/i18n';
import { isLimited, recordFailure, type Limit } from '../identity/rate-limit';
import { findPatientIdsByPhone, readPatient } from '../patients/repository';
import { readCheckIn, submitCheckIn } from '../previsit/check-in';
import { hasCurrentConsent, recordIvrConsent } from '../previsit/consent';
import { readAppointment } from '../scheduling/repository';
import { STATE_CODES } from '../scheduling/states';
import { enterWaitingRoom } from '../visits/room';
import { publishEvent, readVisit } from '../visits/repository';
import { speaker } from './speak';

export type IvrDeps = {
	db: Db;
	phi: PhiCipher;
	clock: Clock;
	logger: Logger;
	/** The public base URL the webhooks live under (Twilio calls it back there). */
	baseUrl: string;
	/** The clinic's staff line ('0' reaches it); null: callers are told the clinic will call back. */
	staffNumber: string | null;
};

/** Webhook parameters Twilio sends with every call request. */
export type CallRequest = {
	CallSid: string;
	From?: string;
	To?: string;
	Digits?: string;
	/** A status callback's CallStatus (ringing, in-progress, completed, busy, no-answer, ...). */
	CallStatus?: string;
	/** Answering-machine detection on calls AnyVisit placed (human, machine_end_beep, ...). */
	AnsweredBy?: string;
	/** Twilio's I-Twilio-Idempotency-Token: the same on every retry of one webhook request. */
	idempotencyToken?: string;
};

/** Three wrong dates of birth on a call lock the patient's phone check-in for this long (staff are alerted). */
const DOB_LOCK: (patientId: string) => Limit = (patientId) => ({
	key: `ivr:locked:${patientId}`,
	max: 1,
	windowMs: 30 * 60_000
});

export function urls(deps: IvrDeps): FlowUrls {
	return {
		gather: `${deps.baseUrl}/telephony/voice/gather`,
		hold: `${deps.baseUrl}/telephony/voice/hold`,
		staffNumber: deps.staffNumber,
		conference: (visitId) => `visit-${visitId}`,
		conferenceEvents: (visitId) => `${deps.baseUrl}/telephony/voice/conference?visit=${visitId}`
	};
}

/** A service context for work a call's webhook does, audited with the CallSid as its request id. */
export function callContext(deps: IvrDeps, actor: Actor, callSid: string): ServiceContext {
	return {
		db: deps.db,
		clock: deps.clock,
		actor,
		phi: deps.phi,
		logger: deps.logger,
		audit: createAuditor({
			db: deps.db,
			actor,
			origin: { ip: null, userAgent: 'twilio-voice', requestId: callSid },
			now: () => deps.clock.now()
		})
	};
}

async function patientActor(deps: IvrDeps, patientId: string): Promise<Actor> {
	const patient = (await readPatient(deps.db, deps.phi, patientId))!;
	return { kind: 'patient', id: patient.id, organizationId: patient.organizationId };
}

/** The patient's visit whose check-in is open now (from the clinic's opening time to 30 min after its end). */
async function visitNow(deps: IvrDeps, patientId: string): Promise<string | null> {
	const now = deps.clock.now();
	const rows = await deps.db
		.selectFrom('appointments')
		.innerJoin('organizations', 'organizations.id', 'appointments.organization_id')
		.select([
			'appointments.id',
			'appointments.starts_at',
			'appointments.ends_at',
			'organizations.check_in_opens_minutes'
		])
		.where('appointments.patient_id', '=', patientId)
		.where('appointments.status', 'in', ['booked', 'confirmed'])
		.where('appointments.ends_at', '>', new Date(now.getTime() - 30 * 60_000))
		.orderBy('appointments.starts_at')
		.execute();
	const open = rows.find((r) => r.starts_at.getTime() - r.check_in_opens_minutes * 60_000 <= now.getTime());
	return open?.id ?? null;
}

/** The one patient this number belongs to, with a visit now; null for none, or several sharing it. */
async function callerOf(deps: IvrDeps, from: string | undefined) {
	if (!from || !/^\+[1-9]\d{6,14}$/.test(from)) return null;
	const ids = await findPatientIdsByPhone(deps.db, deps.phi, null, from);
	if (ids.length !== 1) return null;
	const appointmentId = await visitNow(deps, ids[0]!);
	return appointmentId ? { patientId: ids[0]!, appointmentId } : null;
}

/** The visit a code names (the readiness check gives each visit one), while its check-in is open. */
async function codeOf(deps: IvrDeps, code: string) {
	const row = await deps.db
		.selectFrom('readiness_checks')
		.innerJoin('appointments', 'appointments.id', 'readiness_checks.appointment_id')
		.select(['appointments.id', 'appointments.patient_id'])
		.where('readiness_checks.visit_code', '=', code)
		.executeTakeFirst();
	if (!row || (await visitNow(deps, row.patient_id)) !== row.id) return null;
	return { patientId: row.patient_id, appointmentId: row.id };
}

async function visitFacts(deps: IvrDeps, state: CallState) {
	const appointment = (await readAppointment(deps.db, state.appointmentId!))!;
	const checkIn = await readCheckIn(deps.db, deps.phi, appointment.id);
	return {
		state: checkIn?.locationState ?? appointment.patientState,
		consentCurrent: await hasCurrentConsent(deps.db, deps.phi, appointment.patientId, deps.clock.now())
	};
}

/** Looks up (and, for a confirmed place or a consent, records) what this turn needs. */
async function factsFor(deps: IvrDeps, state: CallState, request: CallRequest): Promise<Facts> {
	const digits = request.Digits ?? null;
	const facts: Facts = {};
	if (state.step === 'language') facts.caller = await callerOf(deps, request.From);
	if (state.step === 'code' && digits && /^\d{6}$/.test(digits)) facts.code = await codeOf(deps, digits);
	const identified = facts.caller ?? facts.code;
	if (state.step === 'dob' && state.patientId && digits) {
		const patient = await readPatient(deps.db, deps.phi, state.patientId);
		const [year, month, day] = (patient?.birthDate ?? '').split('-');
		facts.dobMatches = digits === `${month}${day}${year}`;
	}
	if (state.step === 'dob' || state.step === 'location' || state.step === 'consent' || identified) {
		const appointmentId = identified?.appointmentId ?? state.appointmentId;
		if (appointmentId) facts.visit = await visitFacts(deps, { ...state, appointmentId });
	}
	if (state.step === 'state' && digits) facts.namedStates = keypadStates(digits, STATE_CODES);
	if (state.step === 'location' && digits === '1' && facts.visit) {
		// The caller confirmed where they are: check in there (the licensure gate runs on it,
		// DOMAIN.md Licensure: where the patient is at the time of the visit).
		const ctx = callContext(deps, await patientActor(deps, state.patientId!), request.CallSid);
		const checkIn = await submitCheckIn(ctx, state.appointmentId!, {
			locationState: state.namedState ?? facts.visit.state,
			locationSetting: 'home',
			callbackPhone: request.From ?? '',
			language: state.language,
			accommodations: {}
		});
		facts.licensed = checkIn.licensure.allowed;
	}
	if (state.step === 'consent' && digits === '1') {
		const ctx = callContext(deps, await patientActor(deps, state.patientId!), request.CallSid);
		await recordIvrConsent(ctx, state.appointmentId!, request.CallSid);
		facts.consentRecorded = true;
	}
	return facts;
}

/** A retry of an answered request (Twilio resends it with the same idempotency token), or null. */
const fingerprint = (endpoint: string, request: CallRequest) =>
	request.idempotencyToken
		? createHash('sha256').update(`${endpoint}:${request.CallSid}:${request.idempotencyToken}`).digest('hex')
		: null;

async function saveCall(deps: IvrDeps, request: CallRequest, turn: Turn, started: boolean) {
	const now = deps.clock.now();
	const values = {
		state: JSON.stringify(turn.next),
		last_request: fingerprint(started ? 'incoming' : 'gather', request),
		last_answer: turn.twiml,
		updated_at: now
	};
	if (started) {
		await deps.db
			.insertInto('ivr_calls')
			.values({ call_sid: request.CallSid, started_at: now, ...values })
			.onConflict((oc) => oc.column('call_sid').doUpdateSet(values))
			.execute();
	} else {
		await deps.db.updateTable('ivr_calls').set(values).where('call_sid', '=', request.CallSid).execute();
	}
}

/** A call comes in: the language menu. Twilio retrying the same webhook gets the same answer. */
export async function incomingCall(deps: IvrDeps, request: CallRequest): Promise<string> {
	const existing = await deps.db
		.selectFrom('ivr_calls')
		.select(['last_answer'])
		.where('call_sid', '=', request.CallSid)
		.executeTakeFirst();
	// Twilio retrying the greeting, or a call already under way: its last answer again.
	if (existing?.last_answer) return existing.last_answer;
	const turn = greet(speaker(deps.baseUrl), urls(deps));
	await saveCall(deps, request, turn, true);
	const ctx = callContext(deps, { kind: 'system' }, request.CallSid);
	await ctx.audit.record({ action: 'ivr.call', resourceType: 'call', resourceId: request.CallSid });
	return turn.twiml;
}

/** The caller answered a prompt (or stayed silent): the next prompt, and what it set in motion. */
export async function gatherAnswer(deps: IvrDeps, request: CallRequest): Promise<string> {
	const row = await deps.db
		.selectFrom('ivr_calls')
		.select(['state', 'last_request', 'last_answer'])
		.where('call_sid', '=', request.CallSid)
		.executeTakeFirst();
	// A call this line never greeted starts at the menu (nothing is said about anyone).
	if (!row) return incomingCall(deps, request);
	const retry = fingerprint('gather', request);
	if (retry && row.last_request === retry && row.last_answer) return row.last_answer;
	const state = { ...NEW_CALL, ...(row.state as Partial<CallState>) };
	const ctx = callContext(deps, { kind: 'system' }, request.CallSid);
	const t = tFor(state.language);
	let turn: Turn;
	try {
		const facts = await factsFor(deps, state, request);
		const identified = facts.caller ?? facts.code;
		if (identified && (await isLimited(deps.db, [DOB_LOCK(identified.patientId)], deps.clock.now()))) {
			turn = locked(deps, state);
		} else {
			turn = answer(speaker(deps.baseUrl), urls(deps), state, request.Digits ?? null, facts, (code) =>
				t(`scheduling:state.${code}`)
			);
		}
		if (turn.effects.includes('lock') && state.patientId) {
			await recordFailure(deps.db, [DOB_LOCK(state.patientId)], deps.clock.now());
		}
		if (turn.effects.includes('wait')) {
			await enterWaitingRoom(
				callContext(deps, await patientActor(deps, state.patientId!), request.CallSid),
				state.appointmentId!
			);
		}
	} catch (error) {
		// A visit that cannot start now (its check-in closed, a consent text changed): say so, end kindly.
		if (!isAppError(error)) throw error;
		deps.logger.warn({ code: error.code }, 'phone check-in could not continue');
		turn = unavailable(deps, state);
	}
	if (turn.effects.some((e) => e === 'lock' || e === 'alert_staff')) {
		await ctx.audit.record({
			action: turn.effects.includes('lock') ? 'ivr.locked' : 'ivr.staff_alert',
			resourceType: 'appointment',
			resourceId: turn.next.appointmentId,
			details: { step: state.step }
		});
	}
	await saveCall(deps, request, turn, false);
	return turn.twiml;
}

function locked(deps: IvrDeps, state: CallState): Turn {
	return goodbye(speaker(deps.baseUrl), state, 'ivr:locked');
}

function unavailable(deps: IvrDeps, state: CallState): Turn {
	return { ...goodbye(speaker(deps.baseUrl), state, 'ivr:visit.unavailable'), effects: ['alert_staff'] };
}

/** What a caller on hold hears between the music: an update in their language. */
export async function holdAnswer(deps: IvrDeps, request: CallRequest): Promise<string> {
	const row = await deps.db
		.selectFrom('ivr_calls')
		.select(['state'])
		.where('call_sid', '=', request.CallSid)
		.executeTakeFirst();
	// A call AnyVisit placed into the visit waits in the language it was placed in.
	const leg = row
		? undefined
		: await deps.db
				.selectFrom('visit_phone_legs')
				.select('language')
				.where('call_sid', '=', request.CallSid)
				.executeTakeFirst();
	const language = (row?.state as Partial<CallState> | undefined)?.language ?? leg?.language ?? 'en';
	return holdMusic(speaker(deps.baseUrl), MENU_LANGUAGES.includes(language as never) ? language : 'en', null);
}

export type ConferenceEvent = {
	visitId: string;
	/** Twilio's StatusCallbackEvent: participant-join, participant-leave, participant-mute, ... */
	event: string;
	callSid: string | null;
	muted: boolean;
};

/**
 * A participant joined, left or was muted in a visit's conference: a phone-line caller of this visit,
 * or a call AnyVisit placed into it, is marked on or off the line, and the visit page is told. Other
 * participants (the clinician's leg) and other visits' callers change nothing.
 */
export async function conferenceEvent(deps: IvrDeps, report: ConferenceEvent): Promise<void> {
	if (!report.callSid) return;
	const row = await deps.db
		.selectFrom('ivr_calls')
		.select('state')
		.where('call_sid', '=', report.callSid)
		.executeTakeFirst();
	const state = row?.state as CallState | undefined;
	const leg = state
		? undefined
		: await deps.db
				.selectFrom('visit_phone_legs')
				.select(['appointment_id', 'on_line'])
				.where('call_sid', '=', report.callSid)
				.where('status', 'in', ['ringing', 'answered'])
				.executeTakeFirst();
	if ((state?.appointmentId ?? leg?.appointment_id) !== report.visitId) return;
	const onLine =
		report.event === 'participant-leave'
			? false
			: report.event.startsWith('participant-')
				? true
				: (state?.onLine ?? leg?.on_line ?? false);
	await deps.db.transaction().execute(async (tx) => {
		if (state) {
			await tx
				.updateTable('ivr_calls')
				.set({
					state: JSON.stringify({ ...state, onLine, muted: report.muted }),
					updated_at: deps.clock.now()
				})
				.where('call_sid', '=', report.callSid!)
				.execute();
		} else {
			await tx
				.updateTable('visit_phone_legs')
				.set({ on_line: onLine, muted: report.muted })
				.where('call_sid', '=', report.callSid!)
				.execute();
		}
		const visit = await readVisit(tx, report.visitId);
		if (!visit) return;
		await publishEvent(tx, {
			appointmentId: report.visitId,
			organizationId: visit.organizationId,
			type: 'phone',
			at: deps.clock.now()
		});
	});
}
