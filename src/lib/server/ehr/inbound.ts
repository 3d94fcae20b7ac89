import type { Appointment as FhirAppointment } from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import { requirePermission } from '../identity/policy';
import { readOrganization } from '../organizations/repository';
import { readPatient } from '../patients/repository';
import { createAuditor } from '../platform/audit/audit';
import type { ServiceContext } from '../platform/context';
import { AppError, notFound } from '../platform/errors';
import type { Database } from '../platform/schema';
import { cancelAppointment, cancelFromEhr, rescheduleAppointment } from '../scheduling/booking';
import { readAppointment, type Appointment } from '../scheduling/repository';
import { slotId } from '../scheduling/slots';
import {
	listOpenConflicts,
	markResolved,
	readOpenConflict,
	recordConflict,
	type EhrConflict
} from './conflicts';
import { readLink, saveLink } from './links';
import { enqueueAppointmentSync } from './outbox';
import { appointmentState, identifierSystem } from './resources';
import type { EhrSyncDeps } from './sync';

const CURSOR = 'appointments';
/** Changes are read again this far back, so one committed just before the last read is not missed. */
const OVERLAP_MS = 5 * 60_000;

export type PollOutcome = 'ours' | 'accepted' | 'cancelled' | 'conflict' | 'not-ours';

function systemContext(deps: EhrSyncDeps): ServiceContext {
	const actor = { kind: 'system' } as const;
	return {
		db: deps.db,
		clock: deps.clock,
		phi: deps.phi,
		logger: deps.logger,
		actor,
		audit: createAuditor({
			db: deps.db,
			actor,
			origin: { ip: null, userAgent: null, requestId: null },
			now: () => deps.clock.now()
		})
	};
}

/**
 * One EHR Appointment changed since the last look, weighed against AnyVisit's: our own write (its
 * version is the one we hold), a change to what AnyVisit does not own (accepted), a cancellation
 * while AnyVisit's visit was unchanged (applied here, the patient told), or a clash (kept for staff).
 * Appointments AnyVisit did not create are not ours to follow.
 */
async function reconcile(deps: EhrSyncDeps, ehr: FhirAppointment & { id: string }): Promise<PollOutcome> {
	const system = identifierSystem(deps.baseUrl, 'appointment');
	const localId = ehr.identifier?.find((i) => i.system === system)?.value;
	const link = localId ? await readLink(deps.db, 'appointment', localId) : undefined;
	if (!localId || !link || link.ehrId !== ehr.id) return 'not-ours';
	const version = ehr.meta?.versionId ?? null;
	if (version && version === link.versionId) return 'ours';
	const appointment = await readAppointment(deps.db, localId);
	if (!appointment) return 'not-ours';
	const theirs = appointmentState(ehr);
	const mine = appointmentState(appointment);
	const accepted = { ...link, versionId: version, syncedState: theirs };
	const accept = (tx: Kysely<Database>) => saveLink(tx, 'appointment', localId, accepted, deps.clock.now());
	if (theirs === link.syncedState || theirs === mine) {
		await accept(deps.db);
		return 'accepted';
	}
	const unchangedHere = link.syncedState == null || mine === link.syncedState;
	const open = appointment.status === 'booked' || appointment.status === 'confirmed';
	if (unchangedHere && open && ehr.status === 'cancelled') {
		await cancelFromEhr(systemContext(deps), localId, accept);
		return 'cancelled';
	}
	await recordConflict(deps.db, appointment, ehr, deps.clock.now());
	return 'conflict';
}

/**
 * Reads the EHR's appointments changed since the last look (`_lastUpdated`, oldest first, paged) and
 * weighs each against AnyVisit's. The place reached is the EHR's own lastUpdated, so the two clocks
 * need not agree; the first look only marks where to start (the newest change the EHR holds).
 */
export async function pollEhrAppointments(deps: EhrSyncDeps): Promise<Record<PollOutcome, number>> {
	const counts: Record<PollOutcome, number> = {
		ours: 0,
		accepted: 0,
		cancelled: 0,
		conflict: 0,
		'not-ours': 0
	};
	const cursor = await deps.db
		.selectFrom('ehr_sync_cursors')
		.select('read_until')
		.where('name', '=', CURSOR)
		.executeTakeFirst();
	const save = (readUntil: Date) =>
		deps.db
			.insertInto('ehr_sync_cursors')
			.values({ name: CURSOR, read_until: readUntil })
			.onConflict((oc) => oc.column('name').doUpdateSet({ read_until: readUntil }))
			.execute();
	if (!cursor) {
		// Where the EHR's own clock stands: its most recently changed appointment (or the beginning).
		const bundle = await deps.fhir.search<FhirAppointment>('Appointment', {
			_sort: '-_lastUpdated',
			_count: '1'
		});
		const newest = bundle.entry?.[0]?.resource?.meta?.lastUpdated;
		await save(newest ? new Date(newest) : new Date(0));
		return counts;
	}
	const since = new Date(cursor.read_until.getTime() - OVERLAP_MS);
	const changed = await deps.fhir.searchAll<FhirAppointment>(
		'Appointment',
		{ _lastUpdated: `gt${since.toISOString()}`, _sort: '_lastUpdated', _count: '100' },
		{ maxPages: 20 }
	);
	let readUntil = cursor.read_until;
	for (const ehr of changed) {
		if (!ehr.id) continue;
		counts[await reconcile(deps, { ...ehr, id: ehr.id })]++;
		const at = ehr.meta?.lastUpdated ? new Date(ehr.meta.lastUpdated) : undefined;
		if (at && at > readUntil) readUntil = at;
	}
	await save(readUntil);
	return counts;
}

export type ConflictView = EhrConflict & {
	anyvisit: Pick<Appointment, 'status' | 'start' | 'end' | 'patientId' | 'clinicianId'>;
	patientName: string;
	clinicianName: string;
	/** What taking the EHR's side would do here, if it can be done. */
	takeEhr: 'cancel' | 'move' | null;
};

function takeEhr(conflict: EhrConflict, appointment: Appointment): ConflictView['takeEhr'] {
	if (appointment.status !== 'booked' && appointment.status !== 'confirmed') return null;
	if (conflict.ehr.status === 'cancelled') return 'cancel';
	const moved = conflict.ehr.start && conflict.ehr.start.getTime() !== appointment.start.getTime();
	return conflict.ehr.status === 'booked' && moved ? 'move' : null;
}

/** The open clashes between AnyVisit and the EHR in the staff member's organization, and its time zone. */
export async function listEhrConflicts(
	ctx: ServiceContext
): Promise<{ timeZone: string; conflicts: ConflictView[] }> {
	const attempt = { action: 'ehr.conflict.list', resourceType: 'appointment' };
	const staff = await requirePermission(ctx, 'ehr.reconcile', attempt);
	const views: ConflictView[] = [];
	for (const conflict of await listOpenConflicts(ctx.db, staff.organizationId)) {
		const appointment = await readAppointment(ctx.db, conflict.appointmentId);
		const patient = appointment && (await readPatient(ctx.db, ctx.phi, appointment.patientId));
		if (!appointment || !patient) continue;
		const clinician = await ctx.db
			.selectFrom('staff')
			.select('display_name')
			.where('id', '=', appointment.clinicianId)
			.executeTakeFirstOrThrow();
		views.push({
			...conflict,
			anyvisit: appointment,
			patientName: `${patient.givenName} ${patient.familyName}`,
			clinicianName: clinician.display_name,
			takeEhr: takeEhr(conflict, appointment)
		});
	}
	// Patients are named: the read is audited with how many were shown.
	await ctx.audit.record({ ...attempt, purpose: 'operations', details: { conflicts: views.length } });
	const { timeZone } = await readOrganization(ctx.db, staff.organizationId);
	return { timeZone, conflicts: views };
}

/**
 * Staff decide a clash. AnyVisit's side: the EHR is written over. The EHR's side: the visit is
 * cancelled or moved here exactly as staff would (licensure, hours and overlaps are checked, and the
 * patient is told); a move the schedule cannot take is refused and the clash stays open.
 */
export async function resolveEhrConflict(
	ctx: ServiceContext,
	conflictId: string,
	choice: 'keep_anyvisit' | 'take_ehr'
): Promise<void> {
	const attempt = { action: 'ehr.conflict.resolve', resourceType: 'ehr_conflict', resourceId: conflictId };
	const staff = await requirePermission(ctx, 'ehr.reconcile', attempt);
	const conflict = await readOpenConflict(ctx.db, staff.organizationId, conflictId);
	if (!conflict) throw notFound();
	const appointment = (await readAppointment(ctx.db, conflict.appointmentId))!;
	const now = ctx.clock.now();
	if (choice === 'keep_anyvisit') {
		await ctx.db.transaction().execute(async (tx) => {
			await markResolved(tx, conflict.id, 'kept_anyvisit', staff.id, now);
			await enqueueAppointmentSync(tx, ctx.phi, appointment, now, { overwrite: true });
			await ctx.audit.record({ ...attempt, details: { choice } }, tx);
		});
		return;
	}
	const action = takeEhr(conflict, appointment);
	if (!action) throw new AppError('CONFLICT');
	// What the EHR holds is now agreed, so the change made here writes over exactly that version.
	const link = (await readLink(ctx.db, 'appointment', appointment.id))!;
	const ehrState = appointmentState({
		status: conflict.ehr.status as FhirAppointment['status'],
		start: conflict.ehr.start?.toISOString(),
		end: conflict.ehr.end?.toISOString()
	});
	if (action === 'cancel') {
		await cancelAppointment(ctx, appointment.id, { reason: 'cancelled_in_ehr' });
	} else {
		const slot = slotId(appointment.clinicianId, appointment.visitTypeId, conflict.ehr.start!);
		await rescheduleAppointment(ctx, appointment.id, { slotId: slot });
	}
	await ctx.db.transaction().execute(async (tx) => {
		await saveLink(
			tx,
			'appointment',
			appointment.id,
			{ ...link, versionId: conflict.ehrVersion, syncedState: ehrState },
			now
		);
		await markResolved(tx, conflict.id, 'took_ehr', staff.id, now);
		await ctx.audit.record({ ...attempt, details: { choice, action } }, tx);
	});
}
