import type { Appointment as FhirAppointment } from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/schema';
import type { Appointment } from '../scheduling/repository';

type Executor = Kysely<Database>;

export type EhrConflict = {
	id: string;
	appointmentId: string;
	ehrId: string;
	ehrVersion: string | null;
	ehr: { status: string; start: Date | null; end: Date | null };
	detectedAt: Date;
};

/**
 * Keeps an EHR-side change that clashes with AnyVisit's for staff: one open conflict per appointment
 * (a newer EHR version replaces the older), and a version staff already decided on is never reopened.
 */
export async function recordConflict(
	db: Executor,
	appointment: Pick<Appointment, 'id' | 'organizationId'>,
	ehr: FhirAppointment & { id: string },
	now: Date
): Promise<void> {
	const version = ehr.meta?.versionId ?? null;
	const decided = await db
		.selectFrom('ehr_conflicts')
		.select('id')
		.where('appointment_id', '=', appointment.id)
		.where('resolved_at', 'is not', null)
		.where((eb) => (version ? eb('ehr_version', '=', version) : eb('ehr_version', 'is', null)))
		.executeTakeFirst();
	if (decided) return;
	const state = {
		ehr_id: ehr.id,
		ehr_version: version,
		ehr_status: ehr.status,
		ehr_start: ehr.start ? new Date(ehr.start) : null,
		ehr_end: ehr.end ? new Date(ehr.end) : null
	};
	const open = await db
		.updateTable('ehr_conflicts')
		.set(state)
		.where('appointment_id', '=', appointment.id)
		.where('resolved_at', 'is', null)
		.executeTakeFirst();
	if (open.numUpdatedRows > 0n) return;
	await db
		.insertInto('ehr_conflicts')
		.values({
			...state,
			organization_id: appointment.organizationId,
			appointment_id: appointment.id,
			detected_at: now
		})
		.execute();
}

function toConflict(row: {
	id: string;
	appointment_id: string;
	ehr_id: string;
	ehr_version: string | null;
	ehr_status: string;
	ehr_start: Date | null;
	ehr_end: Date | null;
	detected_at: Date;
}): EhrConflict {
	return {
		id: row.id,
		appointmentId: row.appointment_id,
		ehrId: row.ehr_id,
		ehrVersion: row.ehr_version,
		ehr: { status: row.ehr_status, start: row.ehr_start, end: row.ehr_end },
		detectedAt: row.detected_at
	};
}

const COLUMNS = [
	'id',
	'appointment_id',
	'ehr_id',
	'ehr_version',
	'ehr_status',
	'ehr_start',
	'ehr_end',
	'detected_at'
] as const;

export async function listOpenConflicts(db: Executor, organizationId: string): Promise<EhrConflict[]> {
	const rows = await db
		.selectFrom('ehr_conflicts')
		.select(COLUMNS)
		.where('organization_id', '=', organizationId)
		.where('resolved_at', 'is', null)
		.orderBy('detected_at')
		.execute();
	return rows.map(toConflict);
}

export async function readOpenConflict(
	db: Executor,
	organizationId: string,
	id: string
): Promise<EhrConflict | undefined> {
	const row = await db
		.selectFrom('ehr_conflicts')
		.select(COLUMNS)
		.where('id', '=', id)
		.where('organization_id', '=', organizationId)
		.where('resolved_at', 'is', null)
		.executeTakeFirst();
	return row ? toConflict(row) : undefined;
}

export async function markResolved(
	db: Executor,
	id: string,
	resolution: 'kept_anyvisit' | 'took_ehr',
	by: string,
	now: Date
): Promise<void> {
	await db
		.updateTable('ehr_conflicts')
		.set({ resolved_at: now, resolved_by: by, resolution })
		.where('id', '=', id)
		.execute();
}
