import { requirePermission } from '../identity/policy';
import { readCheckIn } from '../previsit/check-in';
import { readPatient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import type { Accommodations, VisitStatus } from '../platform/schema';

export type QueueEntry = {
	visitId: string;
	status: Extract<VisitStatus, 'waiting' | 'in_progress'>;
	patientName: string;
	clinicianId: string;
	clinicianName: string;
	startsAt: Date;
	waitingSince: Date;
	/** The device check: what was recommended and what the patient chose (null when not done). */
	readiness: { recommendation: string; accepted: string | null } | null;
	language: string | null;
	accommodations: Accommodations | null;
	/** Guests asking to join, for the host to admit. */
	guestsWaiting: number;
};

/**
 * Who is waiting now in the clinician's organization, and whose visits are under way: the signed-in
 * clinician's own patients first, each by how long they have waited. Reading it is audited once.
 */
export async function waitingQueue(ctx: ServiceContext): Promise<QueueEntry[]> {
	const staff = await requirePermission(ctx, 'visit.host', {
		action: 'visit.queue.read',
		resourceType: 'visit'
	});
	const rows = await ctx.db
		.selectFrom('visits')
		.innerJoin('appointments', 'appointments.id', 'visits.appointment_id')
		.innerJoin('staff', 'staff.id', 'appointments.clinician_id')
		.leftJoin('readiness_checks', 'readiness_checks.appointment_id', 'visits.appointment_id')
		.select([
			'visits.appointment_id',
			'visits.status',
			'visits.waiting_since',
			'appointments.patient_id',
			'appointments.clinician_id',
			'appointments.starts_at',
			'staff.display_name',
			'readiness_checks.recommendation',
			'readiness_checks.accepted'
		])
		.select((eb) =>
			eb
				.selectFrom('visit_guests')
				.select((g) => g.fn.countAll<string>().as('n'))
				.whereRef('visit_guests.appointment_id', '=', 'visits.appointment_id')
				.where('visit_guests.status', '=', 'waiting')
				.as('guests_waiting')
		)
		.where('visits.organization_id', '=', staff.organizationId)
		.where('visits.status', 'in', ['waiting', 'in_progress'])
		.orderBy('visits.waiting_since')
		.limit(200)
		.execute();
	const entries: QueueEntry[] = [];
	for (const row of rows) {
		const patient = await readPatient(ctx.db, ctx.phi, row.patient_id);
		const checkIn = await readCheckIn(ctx.db, ctx.phi, row.appointment_id);
		entries.push({
			visitId: row.appointment_id,
			status: row.status as QueueEntry['status'],
			patientName: patient ? `${patient.givenName} ${patient.familyName}` : '',
			clinicianId: row.clinician_id,
			clinicianName: row.display_name,
			startsAt: row.starts_at,
			waitingSince: row.waiting_since,
			readiness: row.recommendation ? { recommendation: row.recommendation, accepted: row.accepted } : null,
			language: checkIn?.language ?? null,
			accommodations: checkIn?.accommodations ?? null,
			guestsWaiting: Number(row.guests_waiting ?? 0)
		});
	}
	entries.sort((a, b) => Number(b.clinicianId === staff.id) - Number(a.clinicianId === staff.id));
	await ctx.audit.record({
		action: 'visit.queue.read',
		resourceType: 'visit',
		organizationId: staff.organizationId,
		details: { count: entries.length }
	});
	return entries;
}
