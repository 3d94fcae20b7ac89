import { sql } from 'kysely';
import { readCheckIn } from '../previsit/check-in';
import { hasCurrentConsent } from '../previsit/consent';
import { readPatient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import type { GuestRole, GuestStatus, VisitModality } from '../platform/schema';
import type { VideoProvider } from '../integrations/video/provider';
import { listGuests } from './guests';
import { liveConnections } from './connections';
import { inTheVisit, participantOf } from './participants';
import { patientSummary } from '../notes/service';
import { visitLegs } from './phone';
import { readSegments, readVisit } from './repository';
import { recordingState, type RecordingState, type TimelineSegment } from './room';

export type RoomStatus = 'not_entered' | 'waiting' | 'in_progress' | 'ended';

export type RoomParticipant = {
	connection: string;
	key: string;
	role: 'patient' | 'clinician' | GuestRole;
	/** A name to show; null when this viewer is shown the role only (a guest sees roles). */
	name: string | null;
	you: boolean;
	/** Takes part in media and chat (a guest only once admitted). */
	inVisit: boolean;
};

export type RoomView = {
	visitId: string;
	status: RoomStatus;
	you: { key: string; role: RoomParticipant['role']; host: boolean; inVisit: boolean };
	clinicianName: string;
	/** The patient's name, for the clinician only. */
	patientName: string | null;
	startsAt: Date;
	waitingSince: Date | null;
	startedAt: Date | null;
	endedAt: Date | null;
	modality: VisitModality | null;
	/** The whole timeline, for the clinician; the others see the current modality only. */
	segments: TimelineSegment[];
	participants: RoomParticipant[];
	/** Callers of this visit on the phone line (in its conference) now. */
	phone: { role: 'patient' | 'clinician' | 'interpreter'; muted: boolean }[];
	/**
	 * Calls placed into the visit, latest per role: ringing ones, and one that was not answered
	 * (busy, no-answer, failed) so the page can say so. Connected calls are in `phone`.
	 */
	calls: { role: 'patient' | 'clinician' | 'interpreter'; status: 'calling' | 'not_answered' }[];

	guests: { id: string; role: GuestRole; name: string; status: GuestStatus }[];
	recording: RecordingState;
	/** Live captions are on for this visit. */
	captions: boolean;
	/** For the patient before entering: what is still to do. */
	requirements: { checkIn: boolean; consent: boolean; licensure: boolean } | null;
	/** For the patient, once the visit ended and its note is signed: the summary written for them. */
	summary: string | null;
	/** Visits of the same clinician called before this one (waiting longer, or under way). */
	ahead: number;
};

/** The visit room as this participant sees it. `audit: false` for the live updates of a page already audited. */
export async function roomView(
	ctx: ServiceContext,
	video: Pick<VideoProvider, 'supportsRecording'>,
	appointmentId: string,
	options: { audit: boolean } = { audit: true }
): Promise<RoomView> {
	const who = await participantOf(ctx, appointmentId, 'visit.read');
	const { appointment } = who;
	const visit = await readVisit(ctx.db, appointmentId);
	const segments = visit ? await readSegments(ctx.db, appointmentId) : [];
	const guests = visit && who.kind !== 'guest' ? await listGuests(ctx, appointmentId) : [];
	const patient = who.host ? await readPatient(ctx.db, ctx.phi, appointment.patientId) : undefined;
	const connections = visit && visit.status !== 'ended' ? await liveConnections(ctx, appointmentId) : [];
	const participants: RoomParticipant[] = connections.map(({ id, participant }) => {
		const [kind, personId] = participant.split(':') as ['patient' | 'staff' | 'guest', string];
		const guest = kind === 'guest' ? guests.find((g) => g.id === personId) : undefined;
		const guestStatus =
			kind === 'guest' ? (guest?.status ?? (participant === who.key ? who.guestStatus : null)) : null;
		return {
			connection: id,
			key: participant,
			role: kind === 'patient' ? 'patient' : kind === 'staff' ? 'clinician' : (guest?.role ?? 'interpreter'),
			name:
				kind === 'staff' && personId === appointment.clinicianId
					? appointment.clinicianName
					: kind === 'patient' && patient
						? `${patient.givenName} ${patient.familyName}`
						: (guest?.name ?? null),
			you: participant === who.key,
			inVisit: inTheVisit({ kind, guestStatus })
		};
	});
	const phone: RoomView['phone'] =
		visit && visit.status !== 'ended'
			? (
					await ctx.db
						.selectFrom('ivr_calls')
						.select('state')
						.where(sql<string>`state->>'appointmentId'`, '=', appointmentId)
						.where(sql<string>`state->>'onLine'`, '=', 'true')
						.execute()
				).map((r) => ({ role: 'patient' as const, muted: (r.state as { muted?: boolean }).muted === true }))
			: [];
	const legs = visit && visit.status !== 'ended' ? await visitLegs(ctx.db, appointmentId) : [];
	for (const leg of legs) {
		if (leg.status === 'answered' && leg.onLine) phone.push({ role: leg.role, muted: leg.muted });
	}
	const calls: RoomView['calls'] = [];
	// The clinician's own phone is theirs to see; the patient sees calls to them and the interpreter.
	const roles = who.host
		? (['patient', 'clinician', 'interpreter'] as const)
		: (['patient', 'interpreter'] as const);
	for (const role of roles) {
		const latest = legs.find((l) => l.role === role);
		if (latest?.status === 'dialing' || latest?.status === 'ringing') calls.push({ role, status: 'calling' });
		if (latest?.status === 'failed') calls.push({ role, status: 'not_answered' });
	}
	let requirements: RoomView['requirements'] = null;
	if (who.kind === 'patient' && !visit) {
		const checkIn = await readCheckIn(ctx.db, ctx.phi, appointmentId);
		requirements = {
			checkIn: !!checkIn,
			licensure: checkIn?.licensure.allowed ?? true,
			consent: await hasCurrentConsent(ctx.db, ctx.phi, appointment.patientId, ctx.clock.now())
		};
	}
	let ahead = 0;
	if (visit?.status === 'waiting') {
		const row = await ctx.db
			.selectFrom('visits')
			.innerJoin('appointments', 'appointments.id', 'visits.appointment_id')
			.select((eb) => eb.fn.countAll<string>().as('n'))
			.where('appointments.clinician_id', '=', appointment.clinicianId)
			.where('visits.appointment_id', '!=', appointmentId)
			.where((eb) =>
				eb.or([
					eb('visits.status', '=', 'in_progress'),
					eb.and([eb('visits.status', '=', 'waiting'), eb('appointments.starts_at', '<', appointment.start)])
				])
			)
			.executeTakeFirstOrThrow();
		ahead = Number(row.n);
	}
	if (options.audit) {
		await ctx.audit.record({
			action: 'visit.read',
			resourceType: 'appointment',
			resourceId: appointmentId,
			organizationId: appointment.organizationId
		});
	}
	const open = segments.find((s) => s.end === null);
	return {
		visitId: appointmentId,
		status: visit?.status ?? 'not_entered',
		you: { key: who.key, role: who.role, host: who.host, inVisit: inTheVisit(who) },
		clinicianName: appointment.clinicianName,
		patientName: patient ? `${patient.givenName} ${patient.familyName}` : null,
		startsAt: appointment.start,
		waitingSince: visit?.waitingSince ?? null,
		startedAt: visit?.startedAt ?? null,
		endedAt: visit?.endedAt ?? null,
		modality: open?.modality ?? null,
		segments: who.host ? segments.map(({ id: _, ...s }) => s) : [],
		participants,
		phone,
		calls,
		guests: guests.map(({ id, role, name, status }) => ({ id, role, name, status })),
		recording: await recordingState(ctx, video, appointment, visit),
		captions: visit?.captions ?? false,
		requirements,
		summary:
			who.kind === 'patient' && visit?.status === 'ended' ? await patientSummary(ctx, appointmentId) : null,
		ahead
	};
}
