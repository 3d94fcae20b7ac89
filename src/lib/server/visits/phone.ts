import { randomUUID } from 'node:crypto';
import { browserCallToken, staffIdentity } from '../integrations/phone/browser';
import type { PhoneLine } from '../integrations/phone/provider';
import type { Config } from '../platform/config';
import type { ServiceContext } from '../platform/context';
import type { Db as Executor } from '../platform/db';
import { AppError } from '../platform/errors';
import type { Selectable } from 'kysely';
import type { PhoneLegRole, PhoneLegStatus, VisitModality, VisitPhoneLegsTable } from '../platform/schema';
import { readPatient } from '../patients/repository';
import { readCheckIn } from '../previsit/check-in';
import { participantOf } from './participants';
import { publishEvent, readVisit } from './repository';
import { replaceSegment, runningVisit, switchModality, type SwitchReason } from './room';
import type { Segment } from './repository';

/** What placing calls into a visit needs: the phone line, and where its webhooks live. */
export type PhoneDeps = {
	line: PhoneLine;
	/** The public base URL of the telephony webhooks (Twilio calls them back there). */
	baseUrl: string;
	/** The interpreter service's number and each language's code on it (null: no interpreter line). */
	interpreterLine: { number: string; codes: Record<string, string> } | null;
};

export type PhoneLeg = {
	id: string;
	appointmentId: string;
	role: PhoneLegRole;
	language: string;
	callSid: string | null;
	status: PhoneLegStatus;
	outcome: string | null;
	reason: SwitchReason;
	requestedBy: { kind: 'staff' | 'patient'; id: string };
	onLine: boolean;
	muted: boolean;
};

const LIVE: PhoneLegStatus[] = ['dialing', 'ringing', 'answered'];

type LegRow = Selectable<VisitPhoneLegsTable>;

const toLeg = (row: LegRow): PhoneLeg => ({
	id: row.id,
	appointmentId: row.appointment_id,
	role: row.role,
	language: row.language,
	callSid: row.call_sid,
	status: row.status,
	outcome: row.outcome,
	reason: row.reason as SwitchReason,
	requestedBy: { kind: row.requested_by_kind, id: row.requested_by_id },
	onLine: row.on_line,
	muted: row.muted
});

export async function readLeg(db: Executor, legId: string, lock = false): Promise<PhoneLeg | null> {
	let query = db.selectFrom('visit_phone_legs').selectAll().where('id', '=', legId);
	if (lock) query = query.forUpdate();
	const row = await query.executeTakeFirst();
	return row ? toLeg(row) : null;
}

/** The visit's calls that are dialing, ringing or connected, and the last one that did not connect. */
export async function visitLegs(db: Executor, appointmentId: string): Promise<PhoneLeg[]> {
	const rows = await db
		.selectFrom('visit_phone_legs')
		.selectAll()
		.where('appointment_id', '=', appointmentId)
		.orderBy('created_at', 'desc')
		.limit(10)
		.execute();
	return rows.map(toLeg);
}

async function liveLeg(db: Executor, appointmentId: string, role: PhoneLegRole): Promise<PhoneLeg | null> {
	const row = await db
		.selectFrom('visit_phone_legs')
		.selectAll()
		.where('appointment_id', '=', appointmentId)
		.where('role', '=', role)
		.where('status', 'in', LIVE)
		.executeTakeFirst();
	return row ? toLeg(row) : null;
}

const legUrls = (deps: PhoneDeps, legId: string) => ({
	answerUrl: `${deps.baseUrl}/telephony/voice/leg?leg=${legId}`,
	statusCallback: `${deps.baseUrl}/telephony/voice/leg/status?leg=${legId}`
});

/**
 * Places a call into the visit's conference and records it as ringing. Written before dialing (so
 * a status callback that arrives first finds it), and removed again if the line refused the call:
 * a failure leaves nothing behind but its audit entry. A call of that role already live is returned.
 */
async function placeLeg(
	ctx: ServiceContext,
	deps: PhoneDeps,
	leg: Omit<PhoneLeg, 'id' | 'callSid' | 'status' | 'outcome' | 'onLine' | 'muted'>,
	call: { to: string; sendDigits?: string }
): Promise<PhoneLeg> {
	const existing = await liveLeg(ctx.db, leg.appointmentId, leg.role);
	if (existing) return existing;
	const id = randomUUID();
	const inserted = await ctx.db
		.insertInto('visit_phone_legs')
		.values({
			id,
			appointment_id: leg.appointmentId,
			role: leg.role,
			language: leg.language,
			status: 'dialing',
			reason: leg.reason,
			requested_by_kind: leg.requestedBy.kind,
			requested_by_id: leg.requestedBy.id,
			created_at: ctx.clock.now()
		})
		// Two presses at once: the unique live-call index lets one through.
		.onConflict((oc) => oc.doNothing())
		.returning('id')
		.executeTakeFirst();
	if (!inserted) return (await liveLeg(ctx.db, leg.appointmentId, leg.role))!;
	const attempt = {
		action: 'visit.phone_call',
		resourceType: 'appointment',
		resourceId: leg.appointmentId,
		details: { role: leg.role, reason: leg.reason }
	};
	let callSid: string;
	try {
		({ callSid } = await deps.line.dial({ to: call.to, sendDigits: call.sendDigits, ...legUrls(deps, id) }));
	} catch (error) {
		await ctx.db.deleteFrom('visit_phone_legs').where('id', '=', id).execute();
		await ctx.audit.record({ ...attempt, outcome: 'failure' });
		throw error;
	}
	const visit = (await readVisit(ctx.db, leg.appointmentId))!;
	await ctx.db.transaction().execute(async (tx) => {
		await tx
			.updateTable('visit_phone_legs')
			.set({ call_sid: callSid })
			// A status callback may have come first and set the same CallSid; it may have moved on too.
			.where('id', '=', id)
			.execute();
		await tx
			.updateTable('visit_phone_legs')
			.set({ status: 'ringing' })
			.where('id', '=', id)
			.where('status', '=', 'dialing')
			.execute();
		await publishEvent(tx, {
			appointmentId: leg.appointmentId,
			organizationId: visit.organizationId,
			type: 'phone',
			at: ctx.clock.now()
		});
		await ctx.audit.record({ ...attempt, organizationId: visit.organizationId }, tx);
	});
	return (await readLeg(ctx.db, id))!;
}

/**
 * Moves a running visit to another modality. To the phone, the patient is called (on the number
 * they gave at check-in, else the one on file) into the visit's conference; the phone segment opens
 * when they answer (`legStatus`), and until then the visit carries on as it was. Away from the phone,
 * the segment changes at once and the patient's and the clinician's calls are hung up.
 */
export async function changeModality(
	ctx: ServiceContext,
	deps: PhoneDeps,
	appointmentId: string,
	change: { modality: VisitModality; reason: SwitchReason }
): Promise<{ segment: Segment | null; calling: PhoneLeg | null }> {
	if (change.modality === 'phone') {
		return { segment: null, calling: await callPatient(ctx, deps, appointmentId, change.reason) };
	}
	const segment = await switchModality(ctx, appointmentId, change);
	// The phone part is over: the patient's call, and the clinician's own phone on it, hang up.
	await hangUpLegs(ctx, deps, appointmentId, ['patient', 'clinician']);
	return { segment, calling: null };
}

async function callPatient(
	ctx: ServiceContext,
	deps: PhoneDeps,
	appointmentId: string,
	reason: SwitchReason
): Promise<PhoneLeg> {
	const who = await participantOf(ctx, appointmentId, 'visit.phone_call');
	if (who.kind === 'guest') throw new AppError('FORBIDDEN');
	await runningVisit(ctx, appointmentId);
	const checkIn = await readCheckIn(ctx.db, ctx.phi, appointmentId);
	const patient = (await readPatient(ctx.db, ctx.phi, who.appointment.patientId))!;
	const to = checkIn?.callbackPhone || patient.phone;
	if (!to) throw new AppError('NO_PHONE_NUMBER');
	return placeLeg(
		ctx,
		deps,
		{
			appointmentId,
			role: 'patient',
			language: checkIn?.language ?? patient.preferredLanguage,
			reason,
			requestedBy: { kind: who.kind, id: who.id }
		},
		{ to }
	);
}

/**
 * The clinician adds an interpreter by phone: the clinic's interpreter service is called into the
 * visit's conference and, once it answers, dialled the language's code (INTERPRETER_LINE_CODES).
 */
export async function callInterpreter(
	ctx: ServiceContext,
	deps: PhoneDeps,
	appointmentId: string,
	language: string
): Promise<PhoneLeg> {
	const who = await participantOf(ctx, appointmentId, 'visit.phone_call');
	if (!who.host) throw new AppError('FORBIDDEN');
	await runningVisit(ctx, appointmentId);
	const code = deps.interpreterLine?.codes[language];
	if (!deps.interpreterLine || !code) throw new AppError('NO_PHONE_NUMBER');
	return placeLeg(
		ctx,
		deps,
		{
			appointmentId,
			role: 'interpreter',
			language,
			reason: 'choice',
			requestedBy: { kind: 'staff', id: who.id }
		},
		// Twilio waits half a second per 'w' before each key (twilio.com/docs/voice/api/call-resource#create-a-call-resource).
		{ to: deps.interpreterLine.number, sendDigits: `wwww${code}#` }
	);
}

/**
 * The clinician joins the visit's call from their own phone (a number they give, not kept beyond
 * the call): it rings, and once answered opens the conference the patient waits in.
 */
export async function callClinician(
	ctx: ServiceContext,
	deps: PhoneDeps,
	appointmentId: string,
	call: { to: string; language: string }
): Promise<PhoneLeg> {
	const who = await participantOf(ctx, appointmentId, 'visit.phone_call');
	if (!who.host) throw new AppError('FORBIDDEN');
	await runningVisit(ctx, appointmentId);
	return placeLeg(
		ctx,
		deps,
		{
			appointmentId,
			role: 'clinician',
			language: call.language,
			reason: 'choice',
			requestedBy: { kind: 'staff', id: who.id }
		},
		{ to: call.to }
	);
}

/**
 * A token for the clinician's browser to join the visit's call through the clinic's TwiML App
 * (Twilio Voice SDK). Without one configured the clinician joins by phone (PHONE_UNAVAILABLE here).
 */
export async function browserCallGrant(
	ctx: ServiceContext,
	settings: Config['browserCalls'],
	appointmentId: string
): Promise<{ token: string; visit: string }> {
	const who = await participantOf(ctx, appointmentId, 'visit.phone_call');
	if (!who.host) throw new AppError('FORBIDDEN');
	await runningVisit(ctx, appointmentId);
	if (!settings) throw new AppError('PHONE_UNAVAILABLE');
	return { token: browserCallToken(settings, staffIdentity(who.id)), visit: appointmentId };
}

/** Hangs up the visit's live calls of these roles (the line is told; the record ends at once). */
export async function hangUpLegs(
	ctx: ServiceContext,
	deps: PhoneDeps,
	appointmentId: string,
	roles: PhoneLegRole[]
): Promise<void> {
	const ended = await ctx.db
		.updateTable('visit_phone_legs')
		.set({ status: 'ended', on_line: false, ended_at: ctx.clock.now() })
		.where('appointment_id', '=', appointmentId)
		.where('role', 'in', roles)
		.where('status', 'in', LIVE)
		.returning(['call_sid'])
		.execute();
	for (const { call_sid } of ended) {
		if (!call_sid) continue;
		// The record says ended either way; a line that cannot be reached now ends the call on its own
		// when the conference does.
		await deps.line.hangUp(call_sid).catch((error: unknown) => {
			ctx.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not hang up');
		});
	}
	if (ended.length) {
		const visit = (await readVisit(ctx.db, appointmentId))!;
		await publishEvent(ctx.db, {
			appointmentId,
			organizationId: visit.organizationId,
			type: 'phone',
			at: ctx.clock.now()
		});
	}
}

/** Twilio's CallStatus values that end a call (twilio.com/docs/voice/api/call-resource#call-status-values). */
const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/**
 * A placed call's status callback. Answered: the leg is connected and, for the patient's call, the
 * visit's phone segment opens (started by whoever asked for the call). Ended: the leg ends; one that
 * never connected is marked failed with Twilio's reason, so the room can say it was not answered.
 * Callbacks only move a leg forward, so a retry or a late one changes nothing.
 */
export async function legStatus(
	ctx: ServiceContext,
	report: { legId: string; callSid: string; status: string }
): Promise<void> {
	await ctx.db.transaction().execute(async (tx) => {
		// The visit first, then the call: the order ending a visit takes its locks in.
		const known = await readLeg(tx, report.legId);
		if (!known) return;
		const visit = (await readVisit(tx, known.appointmentId, true))!;
		const leg = (await readLeg(tx, report.legId, true))!;
		if (leg.callSid && leg.callSid !== report.callSid) return;
		const now = ctx.clock.now();
		const txCtx = { ...ctx, db: tx };
		let next: Partial<{ status: PhoneLegStatus; outcome: string; answered_at: Date; ended_at: Date }> = {};
		if (FINAL.has(report.status)) {
			if (leg.status === 'ended' || leg.status === 'failed') return;
			next =
				leg.status === 'answered'
					? { status: 'ended', ended_at: now }
					: { status: 'failed', outcome: report.status, ended_at: now };
		} else if (report.status === 'in-progress') {
			if (leg.status !== 'dialing' && leg.status !== 'ringing') return;
			// Answered after the visit ended: the call has nothing to join (its webhook hangs up).
			next =
				visit.status === 'in_progress'
					? { status: 'answered', answered_at: now }
					: { status: 'ended', answered_at: now, ended_at: now };
		} else if (report.status === 'ringing' && leg.status === 'dialing') {
			next = { status: 'ringing' };
		}
		await tx
			.updateTable('visit_phone_legs')
			.set({ ...next, call_sid: report.callSid, ...(next.ended_at ? { on_line: false } : {}) })
			.where('id', '=', leg.id)
			.execute();
		if (next.status === 'answered' && leg.role === 'patient') {
			await replaceSegment(txCtx, visit, { modality: 'phone', reason: leg.reason }, leg.requestedBy);
		}
		await publishEvent(tx, {
			appointmentId: leg.appointmentId,
			organizationId: visit.organizationId,
			type: 'phone',
			at: now
		});
	});
}
