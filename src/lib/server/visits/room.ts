import { randomUUID } from 'node:crypto';
import { enqueueEncounter } from '../ehr/encounter';
import { enqueueAppointmentSync } from '../ehr/outbox';
import { refuseAsNotFound } from '../identity/policy';
import { readCheckIn } from '../previsit/check-in';
import { consentStatusOf, hasCurrentConsent } from '../previsit/consent';
import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import type { VisitModality } from '../platform/schema';
import { getAppointment } from '../scheduling/booking';
import type { Appointment } from '../scheduling/repository';
import type { PhoneLine } from '../integrations/phone/provider';
import type { VideoProvider } from '../integrations/video/provider';
import { inTheVisit, participantOf, type Participant } from './participants';
import {
	publishEvent,
	closeOpenSegment,
	readSegments,
	readVisit,
	type Segment,
	type Visit
} from './repository';

/** Why a segment began: the visit's start, a person's choice, or what the app saw. */
export const SWITCH_REASONS = ['choice', 'poor_network', 'device', 'peer_lost'] as const;
export type SwitchReason = (typeof SWITCH_REASONS)[number];

/** The patient may wait from when check-in opens until the visit's booked end, plus this grace. */
const LATE_JOIN_GRACE_MS = 30 * 60_000;

async function changed(
	ctx: ServiceContext,
	visit: Pick<Visit, 'organizationId' | 'appointmentId'>,
	type: string
) {
	await publishEvent(ctx.db, {
		appointmentId: visit.appointmentId,
		organizationId: visit.organizationId,
		type,
		at: ctx.clock.now()
	});
}

/**
 * The patient enters the waiting room. Compliance is enforced here, where the action happens
 * (ARCHITECTURE.md principle 5): they have checked in (where they are now), the clinician may practise
 * there (DOMAIN.md Licensure: the patient's location at the time of the visit), and their telehealth
 * consent is current (DOMAIN.md Consent). Entering again is harmless.
 */
export async function enterWaitingRoom(ctx: ServiceContext, appointmentId: string): Promise<Visit> {
	const attempt = { action: 'visit.wait', resourceType: 'appointment', resourceId: appointmentId };
	if (ctx.actor.kind !== 'patient') return refuseAsNotFound(ctx, attempt);
	const appointment = await getAppointment(ctx, appointmentId);
	const now = ctx.clock.now();
	const existing = await readVisit(ctx.db, appointmentId);
	if (existing?.status === 'ended') throw new AppError('VISIT_ENDED');
	if (existing) return existing;
	const open = appointment.status === 'booked' || appointment.status === 'confirmed';
	if (!open || now.getTime() > appointment.end.getTime() + LATE_JOIN_GRACE_MS)
		throw new AppError('CHECK_IN_CLOSED');
	const checkIn = await readCheckIn(ctx.db, ctx.phi, appointmentId);
	if (!checkIn) throw new AppError('CHECK_IN_REQUIRED');
	if (!checkIn.licensure.allowed) throw new AppError('LICENSURE', { state: checkIn.locationState });
	if (!(await hasCurrentConsent(ctx.db, ctx.phi, appointment.patientId, now)))
		throw new AppError('CONSENT_REQUIRED');
	const visit = await ctx.db.transaction().execute(async (tx) => {
		const inserted = await tx
			.insertInto('visits')
			.values({
				appointment_id: appointmentId,
				organization_id: appointment.organizationId,
				status: 'waiting',
				waiting_since: now
			})
			.onConflict((oc) => oc.column('appointment_id').doNothing())
			.returning('appointment_id')
			.executeTakeFirst();
		const row = (await readVisit(tx, appointmentId))!;
		if (inserted) {
			await changed({ ...ctx, db: tx }, row, 'waiting');
			await ctx.audit.record({ ...attempt, organizationId: appointment.organizationId }, tx);
		}
		return row;
	});
	return visit;
}

/** The modality a visit starts in: what the patient accepted at the device check, else what was booked. */
async function firstModality(ctx: ServiceContext, appointment: Appointment): Promise<VisitModality> {
	const readiness = await ctx.db
		.selectFrom('readiness_checks')
		.select('accepted')
		.where('appointment_id', '=', appointment.id)
		.executeTakeFirst();
	if (readiness?.accepted) return readiness.accepted;
	return appointment.modality === 'in_person' ? 'video' : appointment.modality;
}

export async function runningVisit(ctx: ServiceContext, appointmentId: string): Promise<Visit> {
	const visit = await readVisit(ctx.db, appointmentId, true);
	if (!visit || visit.status !== 'in_progress') throw new AppError('VISIT_NOT_RUNNING');
	return visit;
}

async function requireHost(ctx: ServiceContext, appointmentId: string, action: string) {
	const participant = await participantOf(ctx, appointmentId, action);
	if (!participant.host) {
		await ctx.audit.record({
			action,
			resourceType: 'appointment',
			resourceId: appointmentId,
			outcome: 'denied',
			details: { permission: 'visit.host' }
		});
		throw new AppError('FORBIDDEN');
	}
	return participant;
}

/** The clinician starts the visit: the first modality segment opens and the waiting patient is called in. */
export async function startVisit(
	ctx: ServiceContext,
	video: VideoProvider,
	appointmentId: string
): Promise<Visit> {
	const host = await requireHost(ctx, appointmentId, 'visit.start');
	const { appointment } = host;
	const current = await readVisit(ctx.db, appointmentId);
	if (!current) throw new AppError('VISIT_NOT_RUNNING');
	if (current.status === 'ended') throw new AppError('VISIT_ENDED');
	if (current.status === 'in_progress') return current;
	try {
		await video.openRoom(appointmentId);
	} catch (error) {
		if (error instanceof AppError) throw error;
		throw new AppError('VIDEO_UNAVAILABLE');
	}
	const now = ctx.clock.now();
	const modality = await firstModality(ctx, appointment);
	return ctx.db.transaction().execute(async (tx) => {
		const visit = await readVisit(tx, appointmentId, true);
		if (visit?.status !== 'waiting') return visit!;
		// A patient who asked for captions at check-in has them from the first minute.
		const checkIn = await readCheckIn(tx, ctx.phi, appointmentId);
		await tx
			.updateTable('visits')
			.set({
				status: 'in_progress',
				started_at: now,
				started_by: host.id,
				captions: checkIn?.accommodations.captions === true
			})
			.where('appointment_id', '=', appointmentId)
			.execute();
		await tx
			.insertInto('visit_segments')
			.values({
				id: randomUUID(),
				appointment_id: appointmentId,
				modality,
				started_at: now,
				started_by_kind: 'staff',
				started_by_id: host.id,
				reason: 'start'
			})
			.execute();
		await changed({ ...ctx, db: tx }, visit, 'started');
		await ctx.audit.record(
			{
				action: 'visit.start',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: visit.organizationId,
				details: { modality }
			},
			tx
		);
		return (await readVisit(tx, appointmentId))!;
	});
}

/**
 * Moves a running visit to another modality without leaving it (ARCHITECTURE.md principle 2): the
 * open segment ends and a new one begins, recording who chose it and why; billing (modifier 93 for
 * any audio-only part, DOMAIN.md "Audio-only") and the note read this timeline.
 */
export async function switchModality(
	ctx: ServiceContext,
	appointmentId: string,
	change: { modality: VisitModality; reason: SwitchReason }
): Promise<Segment> {
	const who = await participantOf(ctx, appointmentId, 'visit.switch');
	if (who.kind === 'guest') {
		await ctx.audit.record({
			action: 'visit.switch',
			resourceType: 'appointment',
			resourceId: appointmentId,
			outcome: 'denied',
			details: { reason: 'guest' }
		});
		throw new AppError('FORBIDDEN');
	}
	return ctx.db.transaction().execute(async (tx) => {
		const visit = await runningVisit({ ...ctx, db: tx }, appointmentId);
		const by = { kind: who.kind === 'staff' ? ('staff' as const) : ('patient' as const), id: who.id };
		return replaceSegment({ ...ctx, db: tx }, visit, change, by);
	});
}

/**
 * Ends the open segment and opens one in `change.modality`, started by `by` (in the caller's
 * transaction, on the visit row it locked). Already in that modality: the open segment, unchanged.
 * The phone line calls it when the call that moves a visit to the phone is answered.
 */
export async function replaceSegment(
	ctx: ServiceContext,
	visit: Visit,
	change: { modality: VisitModality; reason: SwitchReason },
	by: { kind: 'staff' | 'patient'; id: string }
): Promise<Segment> {
	const now = ctx.clock.now();
	const { appointmentId } = visit;
	const segments = await readSegments(ctx.db, appointmentId);
	const open = segments.find((s) => s.end === null);
	if (open?.modality === change.modality) return open;
	await closeOpenSegment(ctx.db, appointmentId, now);
	const id = randomUUID();
	await ctx.db
		.insertInto('visit_segments')
		.values({
			id,
			appointment_id: appointmentId,
			modality: change.modality,
			started_at: now,
			started_by_kind: by.kind,
			started_by_id: by.id,
			reason: change.reason
		})
		.execute();
	await changed(ctx, visit, 'modality');
	await ctx.audit.record(
		{
			action: 'visit.switch',
			resourceType: 'appointment',
			resourceId: appointmentId,
			organizationId: visit.organizationId,
			details: { from: open?.modality ?? null, to: change.modality, reason: change.reason }
		},
		ctx.db
	);
	return { id, modality: change.modality, start: now, end: null, startedBy: by.kind, reason: change.reason };
}

/**
 * The clinician ends the visit: the last segment closes, everyone's media stops, guests lose access,
 * and the appointment is completed (and the EHR told). Ending twice is harmless.
 */
export async function endVisit(
	ctx: ServiceContext,
	video: VideoProvider,
	appointmentId: string,
	/** The line the visit's placed calls are on (they are hung up); null when none can be placed. */
	line: PhoneLine | null = null
): Promise<Visit> {
	const host = await requireHost(ctx, appointmentId, 'visit.end');
	let calls: string[] = [];
	const now = ctx.clock.now();
	const ended = await ctx.db.transaction().execute(async (tx) => {
		const visit = await readVisit(tx, appointmentId, true);
		if (!visit || visit.status === 'waiting') throw new AppError('VISIT_NOT_RUNNING');
		if (visit.status === 'ended') return null;
		await closeOpenSegment(tx, appointmentId, now);
		await tx
			.updateTable('visits')
			.set({ status: 'ended', ended_at: now, ended_by_kind: 'staff', ended_by_id: host.id, recording: false })
			.where('appointment_id', '=', appointmentId)
			.execute();
		await tx
			.updateTable('appointments')
			.set({ status: 'completed', updated_at: now })
			.where('id', '=', appointmentId)
			.where('status', 'in', ['booked', 'confirmed'])
			.execute();
		await enqueueAppointmentSync(
			tx,
			ctx.phi,
			{ id: appointmentId, organizationId: visit.organizationId },
			now
		);
		// The encounter, with its telehealth class and period, goes to the EHR with the visit's end.
		await enqueueEncounter(
			tx,
			ctx.phi,
			{
				appointmentId,
				organizationId: visit.organizationId,
				patientId: host.appointment.patientId,
				clinicianId: host.appointment.clinicianId,
				start: (visit.startedAt ?? now).toISOString(),
				end: now.toISOString(),
				modalities: (await readSegments(tx, appointmentId)).map((s) => s.modality)
			},
			now
		);
		const legs = await tx
			.updateTable('visit_phone_legs')
			.set({ status: 'ended', on_line: false, ended_at: now })
			.where('appointment_id', '=', appointmentId)
			.where('status', 'in', ['dialing', 'ringing', 'answered'])
			.returning('call_sid')
			.execute();
		calls = legs.flatMap((l) => (l.call_sid ? [l.call_sid] : []));
		await tx
			.updateTable('visit_connections')
			.set({ closed_at: now, closed_reason: 'ended' })
			.where('appointment_id', '=', appointmentId)
			.where('closed_at', 'is', null)
			.execute();
		await changed({ ...ctx, db: tx }, visit, 'ended');
		await ctx.audit.record(
			{
				action: 'visit.end',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: visit.organizationId
			},
			tx
		);
		return visit;
	});
	if (ended) {
		// The room closes after the visit is recorded as ended: a failure here leaves media that the
		// provider's own empty-room timeout ends, never a visit that looks open.
		await video.closeRoom(appointmentId).catch((error: unknown) => {
			ctx.logger.warn(
				{ err: error instanceof Error ? error.message : 'unknown' },
				'video room did not close'
			);
		});
		for (const callSid of calls) {
			await line?.hangUp(callSid).catch((error: unknown) => {
				ctx.logger.warn({ err: error instanceof Error ? error.message : 'unknown' }, 'call did not hang up');
			});
		}
	}
	return (await readVisit(ctx.db, appointmentId))!;
}

/**
 * Turns live captions on or off for everyone in the visit. Each browser that can recognise speech
 * captions its own speaker and sends the text straight to the others; nothing is stored.
 */
export async function setCaptions(ctx: ServiceContext, appointmentId: string, on: boolean): Promise<void> {
	const who = await participantOf(ctx, appointmentId, 'visit.captions');
	if (!inTheVisit(who)) throw new AppError('FORBIDDEN');
	await ctx.db.transaction().execute(async (tx) => {
		const visit = await readVisit(tx, appointmentId, true);
		if (visit?.status !== 'in_progress') throw new AppError('VISIT_NOT_RUNNING');
		if (visit.captions === on) return;
		await tx
			.updateTable('visits')
			.set({ captions: on })
			.where('appointment_id', '=', appointmentId)
			.execute();
		await changed({ ...ctx, db: tx }, visit, 'captions');
		await ctx.audit.record(
			{
				action: on ? 'visit.captions.on' : 'visit.captions.off',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: visit.organizationId
			},
			tx
		);
	});
}

export type RecordingState = {
	on: boolean;
	/** Null when recording may start; otherwise why it cannot. */
	unavailable: 'no_consent' | 'unsupported' | null;
};

async function recordingState(
	ctx: ServiceContext,
	video: Pick<VideoProvider, 'supportsRecording'>,
	appointment: Appointment,
	visit: Visit | undefined
): Promise<RecordingState> {
	const on = visit?.recording ?? false;
	if (!video.supportsRecording) return { on, unavailable: 'unsupported' };
	const consent = await consentStatusOf(ctx.db, ctx.phi, appointment.patientId, 'recording', ctx.clock.now());
	return { on, unavailable: consent.status === 'current' ? null : 'no_consent' };
}

/**
 * Starts or stops recording. Only with the patient's current recording consent (DOMAIN.md Consent:
 * the recording policy) and a video service that records; everyone sees the state at all times.
 */
export async function setRecording(
	ctx: ServiceContext,
	video: VideoProvider,
	appointmentId: string,
	on: boolean
): Promise<RecordingState> {
	const { appointment } = await requireHost(ctx, appointmentId, 'visit.record');
	const visit = await readVisit(ctx.db, appointmentId);
	if (visit?.status !== 'in_progress') throw new AppError('VISIT_NOT_RUNNING');
	const state = await recordingState(ctx, video, appointment, visit);
	if (on && state.unavailable) throw new AppError('RECORDING_UNAVAILABLE');
	if (state.on === on) return state;
	try {
		await video.setRecording(appointmentId, on);
	} catch (error) {
		if (error instanceof AppError) throw error;
		throw new AppError('VIDEO_UNAVAILABLE');
	}
	await ctx.db.transaction().execute(async (tx) => {
		await tx
			.updateTable('visits')
			.set({ recording: on })
			.where('appointment_id', '=', appointmentId)
			.execute();
		await changed({ ...ctx, db: tx }, visit, 'recording');
		await ctx.audit.record(
			{
				action: on ? 'visit.recording.start' : 'visit.recording.stop',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: visit.organizationId
			},
			tx
		);
	});
	return { ...state, on };
}

export type TimelineSegment = Omit<Segment, 'id'>;

/** The visit's modality segments in order, for its clinician, billing and documentation. */
export async function visitTimeline(
	ctx: ServiceContext,
	appointmentId: string
): Promise<{ status: Visit['status'] | 'not_started'; segments: TimelineSegment[] }> {
	if (ctx.actor.kind !== 'staff')
		return refuseAsNotFound(ctx, {
			action: 'visit.timeline.read',
			resourceType: 'appointment',
			resourceId: appointmentId
		});
	const appointment = await getAppointment(ctx, appointmentId, {
		action: 'visit.timeline.read',
		permission: 'appointment.read'
	});
	const visit = await readVisit(ctx.db, appointmentId);
	const segments = await readSegments(ctx.db, appointmentId);
	await ctx.audit.record({
		action: 'visit.timeline.read',
		resourceType: 'appointment',
		resourceId: appointmentId,
		organizationId: appointment.organizationId
	});
	return { status: visit?.status ?? 'not_started', segments: segments.map(({ id: _, ...s }) => s) };
}

export { recordingState, type Participant };
