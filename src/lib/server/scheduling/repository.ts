import type { Kysely, Selectable } from 'kysely';
import type { AppointmentsTable, AppointmentStatus, Database, Modality } from '../platform/schema';

type Executor = Kysely<Database>;

export type Appointment = {
	id: string;
	organizationId: string;
	patientId: string;
	clinicianId: string;
	clinicianName: string;
	visitTypeId: string;
	visitTypeCode: string;
	modality: Modality;
	patientState: string;
	start: Date;
	end: Date;
	blockedUntil: Date;
	status: AppointmentStatus;
	confirmedAt: Date | null;
	cancelledAt: Date | null;
	cancelReason: string | null;
	rescheduleCount: number;
	createdAt: Date;
};

type Row = Selectable<AppointmentsTable> & { clinician_name: string; visit_type_code: string };

function toAppointment(row: Row): Appointment {
	return {
		id: row.id,
		organizationId: row.organization_id,
		patientId: row.patient_id,
		clinicianId: row.clinician_id,
		clinicianName: row.clinician_name,
		visitTypeId: row.visit_type_id,
		visitTypeCode: row.visit_type_code,
		modality: row.modality,
		patientState: row.patient_state,
		start: row.starts_at,
		end: row.ends_at,
		blockedUntil: row.blocked_until,
		status: row.status,
		confirmedAt: row.confirmed_at,
		cancelledAt: row.cancelled_at,
		cancelReason: row.cancel_reason,
		rescheduleCount: row.reschedule_count,
		createdAt: row.created_at
	};
}

function appointmentsQuery(db: Executor) {
	return db
		.selectFrom('appointments as a')
		.innerJoin('staff as s', 's.id', 'a.clinician_id')
		.innerJoin('visit_types as v', 'v.id', 'a.visit_type_id')
		.selectAll('a')
		.select(['s.display_name as clinician_name', 'v.code as visit_type_code']);
}

export async function readAppointment(db: Executor, id: string): Promise<Appointment | undefined> {
	const row = await appointmentsQuery(db).where('a.id', '=', id).executeTakeFirst();
	return row ? toAppointment(row) : undefined;
}

export async function listAppointments(
	db: Executor,
	filter: {
		organizationId: string;
		patientId?: string;
		clinicianId?: string;
		from?: Date;
		to?: Date;
		statuses?: AppointmentStatus[];
	}
): Promise<Appointment[]> {
	let q = appointmentsQuery(db).where('a.organization_id', '=', filter.organizationId);
	if (filter.patientId) q = q.where('a.patient_id', '=', filter.patientId);
	if (filter.clinicianId) q = q.where('a.clinician_id', '=', filter.clinicianId);
	if (filter.from) q = q.where('a.ends_at', '>', filter.from);
	if (filter.to) q = q.where('a.starts_at', '<', filter.to);
	if (filter.statuses) q = q.where('a.status', 'in', filter.statuses);
	const rows = await q.orderBy('a.starts_at').limit(1000).execute();
	return rows.map(toAppointment);
}
