import type { Kysely, Selectable } from 'kysely';
import { notifyVisit } from '../platform/events';
import type {
	Database,
	VisitModality,
	VisitSegmentsTable,
	VisitStatus,
	VisitsTable
} from '../platform/schema';

type Executor = Kysely<Database>;

export type Visit = {
	appointmentId: string;
	organizationId: string;
	status: VisitStatus;
	waitingSince: Date;
	startedAt: Date | null;
	startedBy: string | null;
	endedAt: Date | null;
	recording: boolean;
	captions: boolean;
};

export type Segment = {
	id: string;
	modality: VisitModality;
	start: Date;
	end: Date | null;
	startedBy: 'staff' | 'patient' | 'system';
	reason: string;
};

const toVisit = (row: Selectable<VisitsTable>): Visit => ({
	appointmentId: row.appointment_id,
	organizationId: row.organization_id,
	status: row.status,
	waitingSince: row.waiting_since,
	startedAt: row.started_at,
	startedBy: row.started_by,
	endedAt: row.ended_at,
	recording: row.recording,
	captions: row.captions
});

const toSegment = (row: Selectable<VisitSegmentsTable>): Segment => ({
	id: row.id,
	modality: row.modality,
	start: row.started_at,
	end: row.ended_at,
	startedBy: row.started_by_kind,
	reason: row.reason
});

export async function readVisit(
	db: Executor,
	appointmentId: string,
	lock = false
): Promise<Visit | undefined> {
	let query = db.selectFrom('visits').selectAll().where('appointment_id', '=', appointmentId);
	if (lock) query = query.forUpdate();
	const row = await query.executeTakeFirst();
	return row && toVisit(row);
}

export async function readSegments(db: Executor, appointmentId: string): Promise<Segment[]> {
	const rows = await db
		.selectFrom('visit_segments')
		.selectAll()
		.where('appointment_id', '=', appointmentId)
		.orderBy('started_at')
		.orderBy('ended_at', (ob) => ob.asc().nullsLast())
		.execute();
	return rows.map(toSegment);
}

/** Closes the open segment (if any) at `at`. */
export async function closeOpenSegment(db: Executor, appointmentId: string, at: Date): Promise<void> {
	await db
		.updateTable('visit_segments')
		.set({ ended_at: at })
		.where('appointment_id', '=', appointmentId)
		.where('ended_at', 'is', null)
		.execute();
}

/**
 * Appends an event to the room's log and wakes its followers when the transaction commits; with an
 * organization, the clinic's waiting lists too. `recipient` addresses one connection only.
 */
export async function publishEvent(
	db: Executor,
	event: {
		appointmentId: string;
		organizationId: string | null;
		type: string;
		payload?: unknown;
		recipient?: string | null;
		at: Date;
	}
): Promise<void> {
	await appendEvent(db, event);
	await notifyVisit(db, event.organizationId, event.appointmentId);
}

async function appendEvent(
	db: Executor,
	event: { appointmentId: string; type: string; payload?: unknown; recipient?: string | null; at: Date }
): Promise<void> {
	await db
		.insertInto('visit_events')
		.values({
			appointment_id: event.appointmentId,
			type: event.type,
			recipient: event.recipient ?? null,
			payload: JSON.stringify(event.payload ?? {}),
			created_at: event.at
		})
		.execute();
}

export type RoomEvent = { id: string; type: string; recipient: string | null; payload: unknown };

/** The room's events after `afterId` that are for everyone or for `connectionId`. */
export async function eventsAfter(
	db: Executor,
	appointmentId: string,
	afterId: string,
	connectionId: string
): Promise<RoomEvent[]> {
	const rows = await db
		.selectFrom('visit_events')
		.select(['id', 'type', 'recipient', 'payload'])
		.where('appointment_id', '=', appointmentId)
		.where('id', '>', afterId)
		.where((eb) => eb.or([eb('recipient', 'is', null), eb('recipient', '=', connectionId)]))
		.orderBy('id')
		.limit(500)
		.execute();
	return rows.map((r) => ({ id: String(r.id), type: r.type, recipient: r.recipient, payload: r.payload }));
}

/** The id of the room's newest event ('0' when none): where a new follower starts. */
export async function lastEventId(db: Executor, appointmentId: string): Promise<string> {
	const row = await db
		.selectFrom('visit_events')
		.select((eb) => eb.fn.max('id').as('id'))
		.where('appointment_id', '=', appointmentId)
		.executeTakeFirst();
	return row?.id == null ? '0' : String(row.id);
}
