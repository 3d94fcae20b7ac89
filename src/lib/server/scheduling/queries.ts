import { requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import { AppError, validationFailed } from '../platform/errors';
import type { Modality } from '../platform/schema';
import { getAppointment } from './booking';
import { listAppointments, type Appointment } from './repository';
import { findSlots, type Slot } from './slots';
import { findVisitType, listVisitTypes, type VisitType } from './visit-types';

/** The organization of a signed-in staff member or patient; others are refused. */
function organizationOf(ctx: ServiceContext): string {
	const { actor } = ctx;
	if (actor.kind === 'staff' || actor.kind === 'patient') return actor.organizationId;
	throw new AppError('UNAUTHORIZED');
}

export function visitTypes(ctx: ServiceContext): Promise<VisitType[]> {
	return listVisitTypes(ctx.db, organizationOf(ctx));
}

export async function searchSlots(
	ctx: ServiceContext,
	query: {
		patientState: string;
		from: string;
		to: string;
		visitType?: string | undefined;
		modality?: Modality | undefined;
		language?: string | undefined;
		clinicianId?: string | undefined;
		limit?: number | undefined;
	}
): Promise<Slot[]> {
	const organizationId = organizationOf(ctx);
	const visitType = query.visitType
		? await findVisitType(ctx.db, organizationId, query.visitType)
		: undefined;
	if (query.visitType && !visitType)
		throw validationFailed([{ field: 'visitType', key: 'errors:field.visit_type' }]);
	return findSlots(ctx.db, {
		organizationId,
		patientState: query.patientState,
		from: query.from,
		to: query.to,
		visitType,
		modality: query.modality,
		language: query.language,
		clinicianId: query.clinicianId,
		now: ctx.clock.now(),
		limit: query.limit ?? 1000
	});
}

export type Clinician = {
	id: string;
	name: string;
	credential: string | null;
	languages: string[];
	timeZone: string;
};

/** The organization's clinicians (anyone who offers a visit type), for patients and staff alike. */
export async function listClinicians(ctx: ServiceContext): Promise<Clinician[]> {
	const organizationId = organizationOf(ctx);
	const rows = await ctx.db
		.selectFrom('staff as s')
		.select(['s.id', 's.display_name', 's.credential', 's.languages', 's.time_zone'])
		.where('s.organization_id', '=', organizationId)
		.where('s.active', '=', true)
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('clinician_visit_types as cv')
					.select('cv.staff_id')
					.whereRef('cv.staff_id', '=', 's.id')
			)
		)
		.orderBy('s.display_name')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		name: r.display_name,
		credential: r.credential,
		languages: r.languages,
		timeZone: r.time_zone
	}));
}

/** A patient's own visits, or (for staff who may read appointments) the organization's, filtered. */
export async function appointmentsFor(
	ctx: ServiceContext,
	filter: { patientId?: string; clinicianId?: string; from?: Date; to?: Date }
): Promise<Appointment[]> {
	const { actor } = ctx;
	if (actor.kind === 'patient')
		return listAppointments(ctx.db, {
			organizationId: actor.organizationId,
			patientId: actor.id,
			from: filter.from,
			to: filter.to
		});
	const staff = await requirePermission(ctx, 'appointment.read', {
		action: 'appointment.list',
		resourceType: 'appointment'
	});
	const appointments = await listAppointments(ctx.db, { organizationId: staff.organizationId, ...filter });
	await ctx.audit.record({
		action: 'appointment.list',
		resourceType: 'appointment',
		purpose: 'operations',
		details: { count: appointments.length }
	});
	return appointments;
}

export type MessageView = {
	channel: string;
	kind: string;
	status: string;
	sendAt: string;
	offsetMinutes: number | null;
	skipReason: string | null;
	/** Twilio's last word on a text or call ("delivered", "undelivered", "no-answer", ...). */
	providerStatus: string | null;
	/** Twilio's error code when it failed. */
	providerError: string | null;
};

/** What was and will be sent about one appointment (confirmations, reminders), for whoever may see it. */
export async function appointmentMessages(
	ctx: ServiceContext,
	appointmentId: string
): Promise<MessageView[]> {
	await getAppointment(ctx, appointmentId);
	const rows = await ctx.db
		.selectFrom('appointment_messages')
		.selectAll()
		.where('appointment_id', '=', appointmentId)
		.orderBy('send_at')
		.orderBy('channel')
		.execute();
	return rows.map((r) => ({
		channel: r.channel,
		kind: r.kind,
		status: r.status,
		sendAt: r.send_at.toISOString(),
		offsetMinutes: r.offset_minutes,
		skipReason: r.skip_reason,
		providerStatus: r.provider_status,
		providerError: r.provider_error
	}));
}
