import { holds, refuseAsNotFound } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import type { GuestRole, GuestStatus } from '../platform/schema';
import { getAppointment } from '../scheduling/booking';
import { readAppointment, type Appointment } from '../scheduling/repository';

/** Someone in a visit room: the patient, a clinician hosting it, or an invited guest. */
export type Participant = {
	/** Stable within the visit: `patient:<id>`, `staff:<id>`, `guest:<id>`. */
	key: string;
	kind: 'patient' | 'staff' | 'guest';
	id: string;
	role: 'patient' | 'clinician' | GuestRole;
	/** Starts, switches, admits, records and ends the visit. */
	host: boolean;
	/** A guest's admission; null for the patient and clinicians. */
	guestStatus: GuestStatus | null;
	appointment: Appointment;
};

/**
 * Who the actor is in this visit's room. A patient enters only their own visit; staff who hold
 * `visit.host` (clinicians, nurses) enter their organization's visits; a guest only the visit they were
 * invited to (ARCHITECTURE.md Security model). Anyone else is answered as if the visit did not exist.
 */
export async function participantOf(
	ctx: ServiceContext,
	appointmentId: string,
	action: string
): Promise<Participant> {
	const attempt = { action, resourceType: 'appointment', resourceId: appointmentId };
	const { actor } = ctx;
	if (actor.kind === 'patient') {
		const appointment = await getAppointment(ctx, appointmentId, { action, permission: 'appointment.read' });
		return {
			key: `patient:${actor.id}`,
			kind: 'patient',
			id: actor.id,
			role: 'patient',
			host: false,
			guestStatus: null,
			appointment
		};
	}
	if (actor.kind === 'staff') {
		if (!holds(actor, 'visit.host')) return refuseAsNotFound(ctx, attempt);
		const appointment = await getAppointment(ctx, appointmentId, { action, permission: 'visit.host' });
		return {
			key: `staff:${actor.id}`,
			kind: 'staff',
			id: actor.id,
			role: 'clinician',
			host: true,
			guestStatus: null,
			appointment
		};
	}
	if (actor.kind === 'guest' && actor.appointmentId === appointmentId) {
		const guest = await ctx.db
			.selectFrom('visit_guests')
			.select(['role', 'status'])
			.where('id', '=', actor.id)
			.executeTakeFirst();
		const appointment = await readAppointment(ctx.db, appointmentId);
		if (guest && appointment && guest.status !== 'removed' && guest.status !== 'declined') {
			return {
				key: `guest:${actor.id}`,
				kind: 'guest',
				id: actor.id,
				role: guest.role,
				host: false,
				guestStatus: guest.status,
				appointment
			};
		}
	}
	return refuseAsNotFound(ctx, attempt);
}

/** Whether a participant takes part in the media and chat (a guest only once admitted). */
export const inTheVisit = (p: Pick<Participant, 'kind' | 'guestStatus'>) =>
	p.kind !== 'guest' || p.guestStatus === 'admitted';
