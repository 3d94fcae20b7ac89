import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { refuseAsNotFound, requirePermission, type Permission } from '../identity/policy';
import { licensureError } from '../licensure/service';
import { readCompactMemberships, readLicences } from '../licensure/repository';
import { mayPractise } from '../licensure/rules';
import { readPatient, type Patient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import { sha256Hex } from '../platform/crypto/hash';
import { violatedConstraint } from '../platform/db';
import { AppError, validationFailed } from '../platform/errors';
import type { Database, Modality } from '../platform/schema';
import { openWindows } from './availability';
import { planAppointmentMessages } from './messages';
import { enqueueAppointmentSync } from '../ehr/outbox';
import { enqueueSiu } from '../ehr/hl7';
import { readAppointment, type Appointment } from './repository';
import { parseSlotId } from './slots';
import { STATE_TIME_ZONES, dayIn } from './states';
import { findVisitType, type VisitType } from './visit-types';

/**
 * Everyone who must hear of a booking change, in its transaction: the patient (confirmation and
 * reminders), the EHR (a FHIR Appointment) and its interface engine (SIU S12, S13 or S15).
 */
async function announceChange(
	tx: Kysely<Database>,
	ctx: ServiceContext,
	change: Parameters<typeof planAppointmentMessages>[1] & {
		kind: 'booked' | 'rescheduled' | 'cancelled';
		/** For a reschedule: when the visit was before (the same time is a change of details). */
		previousStart?: Date;
	}
): Promise<void> {
	await planAppointmentMessages(tx, change);
	await enqueueAppointmentSync(tx, ctx.phi, change.appointment, change.now);
	// SIU trigger events, HL7 v2.5.1 §10.4: S12 new, S13 moved, S14 modified (same time), S15 cancelled.
	const sameTime = change.previousStart?.getTime() === change.appointment.start.getTime();
	const event = change.kind === 'rescheduled' && sameTime ? 'S14' : SIU_EVENT[change.kind];
	await enqueueSiu(tx, ctx.phi, change.appointment, event, change.now);
}

const SIU_EVENT = { booked: 'S12', rescheduled: 'S13', cancelled: 'S15' } as const;

export type BookingRequest = {
	patientId?: string | undefined;
	slotId?: string | undefined;
	clinicianId?: string | undefined;
	start?: string | undefined;
	visitType?: string | undefined;
	modality: Modality;
	patientState: string;
};

type Who = { organizationId: string; scope: string; patient: Patient };

/** The patient a booking is for: a patient books only for themself; staff for their organization's. */
async function bookingFor(ctx: ServiceContext, patientId: string | undefined, action: string): Promise<Who> {
	const { actor } = ctx;
	if (actor.kind === 'patient') {
		if (patientId && patientId !== actor.id) {
			await ctx.audit.record({ action, resourceType: 'patient', resourceId: patientId, outcome: 'denied' });
			throw new AppError('FORBIDDEN', {}, [{ field: 'patientId', key: 'errors:field.patient_other' }]);
		}
		const patient = (await readPatient(ctx.db, ctx.phi, actor.id))!;
		return { organizationId: actor.organizationId, scope: `patient:${actor.id}`, patient };
	}
	const staff = await requirePermission(ctx, 'appointment.book', { action, resourceType: 'appointment' });
	if (!patientId) throw validationFailed([{ field: 'patientId', key: 'errors:field.required' }]);
	const patient = await readPatient(ctx.db, ctx.phi, patientId);
	if (!patient || patient.organizationId !== staff.organizationId)
		return refuseAsNotFound(ctx, { action, resourceType: 'patient', resourceId: patientId });
	return { organizationId: staff.organizationId, scope: `staff:${staff.id}`, patient };
}

type Target = { clinicianId: string; start: Date; visitType: VisitType };

/** Where and when: from a slot id, or from a clinician and a start time. */
async function resolveTarget(
	ctx: ServiceContext,
	organizationId: string,
	input: BookingRequest
): Promise<Target> {
	let clinicianId = input.clinicianId;
	let start = input.start ? new Date(input.start) : undefined;
	let visitTypeRef = input.visitType;
	if (input.slotId) {
		const slot = parseSlotId(input.slotId);
		if (!slot) throw validationFailed([{ field: 'slotId', key: 'errors:field.slot' }]);
		if (visitTypeRef && visitTypeRef !== slot.visitTypeId) {
			const named = await findVisitType(ctx.db, organizationId, visitTypeRef);
			if (named?.id !== slot.visitTypeId)
				throw validationFailed([{ field: 'visitType', key: 'errors:field.visit_type' }]);
		}
		({ clinicianId, start } = slot);
		visitTypeRef = slot.visitTypeId;
	}
	const problems = [];
	if (!clinicianId) problems.push({ field: 'clinicianId', key: 'errors:field.required' });
	if (!start || Number.isNaN(start.getTime()))
		problems.push({ field: 'start', key: 'errors:field.required' });
	const visitType = visitTypeRef ? await findVisitType(ctx.db, organizationId, visitTypeRef) : undefined;
	if (!visitType) problems.push({ field: 'visitType', key: 'errors:field.visit_type' });
	if (problems.length) throw validationFailed(problems);
	return { clinicianId: clinicianId!, start: start!, visitType: visitType! };
}

/**
 * Checks that the clinician may and does offer this visit then: the visit type and modality, a time
 * still ahead, a licence valid where the patient will be on that date (checked before availability,
 * so the answer names the real obstacle), and an open window that holds the whole visit and buffer.
 */
async function checkBookable(
	ctx: ServiceContext,
	organizationId: string,
	target: Target,
	input: { modality: Modality; patientState: string }
): Promise<void> {
	const { clinicianId, start, visitType } = target;
	const clinician = await ctx.db
		.selectFrom('staff')
		.select('id')
		.where('id', '=', clinicianId)
		.where('organization_id', '=', organizationId)
		.where('active', '=', true)
		.executeTakeFirst();
	if (!clinician) throw validationFailed([{ field: 'clinicianId', key: 'errors:field.invalid_id' }]);
	if (!visitType.modalities.includes(input.modality))
		throw validationFailed([{ field: 'modality', key: 'errors:field.modality' }]);
	if (start <= ctx.clock.now())
		throw new AppError('SLOT_UNAVAILABLE', {}, [{ field: 'start', key: 'errors:field.in_the_past' }]);

	const date = dayIn(start, STATE_TIME_ZONES[input.patientState]!);
	const licences = await readLicences(ctx.db, [clinicianId]);
	const answer = mayPractise(
		licences.get(clinicianId) ?? [],
		{ state: input.patientState, date, modality: input.modality, service: visitType.service },
		await readCompactMemberships(ctx.db)
	);
	if (!answer.allowed) throw licensureError(answer.reason);

	const offers = await ctx.db
		.selectFrom('clinician_visit_types')
		.select('staff_id')
		.where('staff_id', '=', clinicianId)
		.where('visit_type_id', '=', visitType.id)
		.executeTakeFirst();
	const blockedUntil = new Date(
		start.getTime() + (visitType.durationMinutes + visitType.bufferMinutes) * 60_000
	);
	const windows = offers ? await openWindows(ctx.db, [clinicianId], start, blockedUntil) : [];
	const covered = windows.some(
		(w) => w.start <= start && w.end >= blockedUntil && w.modalities.includes(input.modality)
	);
	if (!covered) throw new AppError('SLOT_UNAVAILABLE');
}

function requestHash(who: Who, target: Target, input: BookingRequest): string {
	const canonical = JSON.stringify([
		who.patient.id,
		target.clinicianId,
		target.start.toISOString(),
		target.visitType.id,
		input.modality,
		input.patientState
	]);
	return sha256Hex(canonical);
}

/** The appointment a key already made for this caller, or null; a different request is refused. */
async function replay(
	ctx: ServiceContext,
	scope: string,
	key: string,
	hash: string
): Promise<Appointment | null> {
	const row = await ctx.db
		.selectFrom('booking_idempotency')
		.selectAll()
		.where('scope', '=', scope)
		.where('key', '=', key)
		.executeTakeFirst();
	if (!row) return null;
	if (row.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
	return (await readAppointment(ctx.db, row.appointment_id)) ?? null;
}

/** Maps the database's refusal of an overlapping visit to the error people understand. */
function overlapError(error: unknown): AppError | null {
	const constraint = violatedConstraint(error, 'exclusion');
	if (constraint === null) return null;
	return new AppError(constraint === 'appointments_patient_free' ? 'PATIENT_BUSY' : 'SLOT_TAKEN');
}

/**
 * Books a visit. Idempotent per caller and key: the same key and request return the same
 * appointment (created: false). Two bookings of the same time cannot both succeed: the exclusion
 * constraint refuses the second (409 SLOT_TAKEN), also under concurrent requests.
 */
export async function bookAppointment(
	ctx: ServiceContext,
	input: BookingRequest,
	options: { idempotencyKey: string }
): Promise<{ appointment: Appointment; created: boolean }> {
	const who = await bookingFor(ctx, input.patientId, 'appointment.book');
	const target = await resolveTarget(ctx, who.organizationId, input);
	const hash = requestHash(who, target, input);
	const earlier = await replay(ctx, who.scope, options.idempotencyKey, hash);
	if (earlier) return { appointment: earlier, created: false };
	await checkBookable(ctx, who.organizationId, target, input);

	const now = ctx.clock.now();
	const id = randomUUID();
	const end = new Date(target.start.getTime() + target.visitType.durationMinutes * 60_000);
	try {
		const appointment = await ctx.db.transaction().execute(async (tx) => {
			await tx
				.insertInto('appointments')
				.values({
					id,
					organization_id: who.organizationId,
					patient_id: who.patient.id,
					clinician_id: target.clinicianId,
					visit_type_id: target.visitType.id,
					modality: input.modality,
					patient_state: input.patientState,
					starts_at: target.start,
					ends_at: end,
					blocked_until: new Date(end.getTime() + target.visitType.bufferMinutes * 60_000),
					status: 'booked',
					booked_by_kind: ctx.actor.kind,
					booked_by_id: ctx.actor.kind === 'staff' || ctx.actor.kind === 'patient' ? ctx.actor.id : null,
					created_at: now,
					updated_at: now
				})
				.execute();
			await tx
				.insertInto('booking_idempotency')
				.values({
					scope: who.scope,
					key: options.idempotencyKey,
					request_hash: hash,
					appointment_id: id,
					created_at: now
				})
				.execute();
			const appointment = (await readAppointment(tx, id))!;
			await announceChange(tx, ctx, { appointment, patient: who.patient, kind: 'booked', now });
			await ctx.audit.record(
				{
					action: 'appointment.book',
					resourceType: 'appointment',
					resourceId: id,
					purpose: 'treatment',
					details: { patient: who.patient.id, clinician: target.clinicianId, modality: input.modality }
				},
				tx
			);
			return appointment;
		});
		return { appointment, created: true };
	} catch (error) {
		const overlap = overlapError(error);
		if (overlap) throw overlap;
		// The same key sent twice at once: the first request's booking stands and is the answer.
		if (violatedConstraint(error, 'unique') !== null) {
			const winner = await replay(ctx, who.scope, options.idempotencyKey, hash);
			if (winner) return { appointment: winner, created: false };
		}
		throw error;
	}
}

/** An appointment the actor may see: a patient their own, staff their organization's. */
export async function getAppointment(
	ctx: ServiceContext,
	id: string,
	intent: { action: string; permission: Permission } = {
		action: 'appointment.read',
		permission: 'appointment.read'
	}
): Promise<Appointment> {
	const { action, permission } = intent;
	const attempt = { action, resourceType: 'appointment', resourceId: id };
	const appointment = await readAppointment(ctx.db, id);
	const { actor } = ctx;
	if (actor.kind === 'patient') {
		if (!appointment || appointment.patientId !== actor.id) return refuseAsNotFound(ctx, attempt);
	} else {
		const staff = await requirePermission(ctx, permission, attempt);
		if (!appointment || appointment.organizationId !== staff.organizationId)
			return refuseAsNotFound(ctx, attempt);
	}
	return appointment;
}

/**
 * Moves a visit to another time (and possibly clinician): the same checks as a booking, the same
 * exclusion constraint; messages about the old time are cancelled and new ones planned.
 */
export async function rescheduleAppointment(
	ctx: ServiceContext,
	id: string,
	input: Omit<BookingRequest, 'patientId' | 'modality' | 'patientState'> & {
		modality?: Modality | undefined;
		patientState?: string | undefined;
	}
): Promise<Appointment> {
	const current = await getAppointment(ctx, id, {
		action: 'appointment.reschedule',
		permission: 'appointment.book'
	});
	if (current.status === 'cancelled' || current.status === 'completed' || current.status === 'no_show')
		throw new AppError('CONFLICT');
	const request: BookingRequest = {
		...input,
		clinicianId: input.clinicianId ?? current.clinicianId,
		visitType: input.visitType ?? current.visitTypeId,
		modality: input.modality ?? current.modality,
		patientState: input.patientState ?? current.patientState
	};
	const target = await resolveTarget(ctx, current.organizationId, request);
	await checkBookable(ctx, current.organizationId, target, request);
	const patient = (await readPatient(ctx.db, ctx.phi, current.patientId))!;
	const now = ctx.clock.now();
	const end = new Date(target.start.getTime() + target.visitType.durationMinutes * 60_000);
	try {
		return await ctx.db.transaction().execute(async (tx) => {
			await tx
				.updateTable('appointments')
				.set({
					clinician_id: target.clinicianId,
					visit_type_id: target.visitType.id,
					modality: request.modality,
					patient_state: request.patientState,
					starts_at: target.start,
					ends_at: end,
					blocked_until: new Date(end.getTime() + target.visitType.bufferMinutes * 60_000),
					status: 'booked',
					confirmed_at: null,
					reschedule_count: current.rescheduleCount + 1,
					updated_at: now
				})
				.where('id', '=', id)
				.execute();
			const appointment = (await readAppointment(tx, id))!;
			await announceChange(tx, ctx, {
				appointment,
				patient,
				kind: 'rescheduled',
				previousStart: current.start,
				now
			});
			await ctx.audit.record(
				{
					action: 'appointment.reschedule',
					resourceType: 'appointment',
					resourceId: id,
					purpose: 'treatment',
					details: { from: current.start.toISOString(), to: target.start.toISOString() }
				},
				tx
			);
			return appointment;
		});
	} catch (error) {
		throw overlapError(error) ?? error;
	}
}

export const CANCEL_REASONS = [
	'patient_request',
	'clinician_unavailable',
	'scheduled_in_error',
	'other'
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** Cancels a visit with a reason; the patient is told on their channels and reminders stop. */
export async function cancelAppointment(
	ctx: ServiceContext,
	id: string,
	// 'cancelled_in_ehr': staff took the EHR's side of a conflict (never offered to API callers).
	input: { reason: CancelReason | 'cancelled_in_ehr' }
): Promise<Appointment> {
	const current = await getAppointment(ctx, id, {
		action: 'appointment.cancel',
		permission: 'appointment.book'
	});
	if (current.status === 'cancelled') return current;
	if (current.status === 'completed' || current.status === 'no_show') throw new AppError('CONFLICT');
	const patient = (await readPatient(ctx.db, ctx.phi, current.patientId))!;
	const now = ctx.clock.now();
	return ctx.db.transaction().execute(async (tx) => {
		await tx
			.updateTable('appointments')
			.set({ status: 'cancelled', cancelled_at: now, cancel_reason: input.reason, updated_at: now })
			.where('id', '=', id)
			.execute();
		const appointment = (await readAppointment(tx, id))!;
		await announceChange(tx, ctx, { appointment, patient: patient, kind: 'cancelled', now });
		await ctx.audit.record(
			{
				action: 'appointment.cancel',
				resourceType: 'appointment',
				resourceId: id,
				details: { reason: input.reason }
			},
			tx
		);
		return appointment;
	});
}

/**
 * A cancellation made in the EHR, while AnyVisit's visit was unchanged since its last sync: cancelled
 * here too and the patient told on their channels; nothing goes back to the EHR (it said so first).
 * `alsoInTransaction` records what was accepted from the EHR with it. Null when the visit was
 * no longer open (nothing is written).
 */
export async function cancelFromEhr(
	ctx: ServiceContext,
	id: string,
	alsoInTransaction: (tx: Kysely<Database>) => Promise<void>
): Promise<Appointment | null> {
	const now = ctx.clock.now();
	return ctx.db.transaction().execute(async (tx) => {
		const updated = await tx
			.updateTable('appointments')
			.set({ status: 'cancelled', cancelled_at: now, cancel_reason: 'cancelled_in_ehr', updated_at: now })
			.where('id', '=', id)
			.where('status', 'in', ['booked', 'confirmed'])
			.executeTakeFirst();
		if (updated.numUpdatedRows === 0n) return null;
		const appointment = (await readAppointment(tx, id))!;
		const patient = (await readPatient(tx, ctx.phi, appointment.patientId))!;
		await planAppointmentMessages(tx, { appointment, patient, kind: 'cancelled', now });
		await alsoInTransaction(tx);
		await ctx.audit.record(
			{
				action: 'appointment.cancel',
				resourceType: 'appointment',
				resourceId: id,
				organizationId: appointment.organizationId,
				details: { reason: 'cancelled_in_ehr', source: 'ehr' }
			},
			tx
		);
		return appointment;
	});
}
