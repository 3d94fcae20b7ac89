import { randomInt, randomUUID } from 'node:crypto';
import type { Db } from '../../src/lib/server/platform/db';
import { enqueue, type OutboxMessage } from '../../src/lib/server/platform/outbox/outbox';
import type { OutboxRow, StaffRole } from '../../src/lib/server/platform/schema';
import {
	insertPatient,
	readPatient,
	type NewPatient,
	type Patient
} from '../../src/lib/server/patients/repository';
import type { Actor, ServiceContext } from '../../src/lib/server/platform/context';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import type { PhiCipher } from '../../src/lib/server/platform/crypto/phi';
import type { SignedDocument } from '../../src/lib/server/ehr/documents';
import type { Appointment } from '../../src/lib/server/scheduling/repository';

// Builders for test data: synthetic people only, with overrides for what a test cares about.

export async function createOrganization(db: Db, overrides: { name?: string; timeZone?: string } = {}) {
	return db
		.insertInto('organizations')
		.values({
			name: overrides.name ?? `Clinic ${randomUUID().slice(0, 8)}`,
			time_zone: overrides.timeZone ?? 'America/Chicago'
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

export function smsMessage(overrides: Partial<OutboxMessage> = {}): OutboxMessage {
	return {
		channel: 'sms',
		idempotencyKey: `test:${randomUUID()}`,
		payload: { to: '+15125550199', body: 'Your visit is tomorrow at 10:00.', language: 'en' },
		...overrides
	};
}

export function emailMessage(overrides: Partial<OutboxMessage> = {}): OutboxMessage {
	return {
		channel: 'email',
		idempotencyKey: `test:${randomUUID()}`,
		payload: { to: 'patient@example.org', subject: 'Your visit', text: 'See you tomorrow.', language: 'en' },
		...overrides
	};
}

/** Enqueues messages in one transaction. */
export async function enqueueMessages(
	db: Db,
	phi: PhiCipher,
	messages: OutboxMessage[],
	options: { now: Date; maxAttempts?: number }
): Promise<OutboxRow[]> {
	return db.transaction().execute(async (tx) => {
		const rows: OutboxRow[] = [];
		for (const m of messages)
			rows.push(await enqueue(tx, phi, m, { now: options.now, maxAttempts: options.maxAttempts ?? 3 }));
		return rows;
	});
}

/** A dead-lettered message (its delivery failed for good). */
export async function deadMessage(
	db: Db,
	phi: PhiCipher,
	now: Date,
	options: { error?: string; organizationId?: string | null } = {}
): Promise<OutboxRow> {
	const error = options.error ?? 'Twilio 21211: invalid To number';
	const [row] = await enqueueMessages(
		db,
		phi,
		[smsMessage({ organizationId: options.organizationId ?? null })],
		{ now }
	);
	return db
		.updateTable('outbox')
		.set({ status: 'dead', attempts: 3, last_error: error, updated_at: now })
		.where('id', '=', row!.id)
		.returningAll()
		.executeTakeFirstOrThrow();
}

export async function createStaffMember(
	db: Db,
	organizationId: string,
	overrides: { roles?: StaffRole[]; email?: string; displayName?: string } = {}
) {
	return db
		.insertInto('staff')
		.values({
			organization_id: organizationId,
			email: overrides.email ?? `staff-${randomUUID().slice(0, 8)}@clinic.example`,
			display_name: overrides.displayName ?? 'Test Staff',
			roles: overrides.roles ?? ['clinician'],
			time_zone: 'America/Chicago'
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** A synthetic patient (made-up name, 555 number), sealed like every patient. */
export async function createPatient(
	db: Db,
	phi: PhiCipher,
	organizationId: string,
	overrides: Partial<NewPatient> = {}
): Promise<string> {
	return db.transaction().execute((tx) =>
		insertPatient(tx, phi, {
			organizationId,
			givenName: 'Test',
			familyName: `Patient-${randomUUID().slice(0, 6)}`,
			birthDate: '1970-01-01',
			phone: `+1555555${String(randomInt(0, 10_000)).padStart(4, '0')}`,
			phoneKind: 'mobile',
			email: null,
			preferredLanguage: 'en',
			contactChannel: 'sms',
			homeState: 'TX',
			timeZone: 'America/Chicago',
			accommodations: {},
			...overrides
		})
	);
}

/** A staff member (by email) as the actor a service sees. */
export async function staffActorFor(db: Db, email: string): Promise<Extract<Actor, { kind: 'staff' }>> {
	const row = await db
		.selectFrom('staff')
		.select(['id', 'organization_id', 'roles'])
		.where('email', '=', email)
		.executeTakeFirstOrThrow();
	return { kind: 'staff', id: row.id, organizationId: row.organization_id, roles: row.roles };
}

/** A seeded patient found by given name (names are sealed, so each record is opened). */
export async function patientNamed(db: Db, phi: PhiCipher, givenName: string): Promise<Patient> {
	for (const { id } of await db.selectFrom('patients').select('id').execute()) {
		const patient = await readPatient(db, phi, id);
		if (patient?.givenName === givenName) return patient;
	}
	throw new Error(`no patient named ${givenName}`);
}

/** A progress note as the clinician of `appointment` signs it (issue 9 writes them; the EHR sync carries them). */
export function signedNote(
	appointment: Pick<Appointment, 'id' | 'organizationId' | 'patientId' | 'clinicianId'>,
	lastLine: string,
	overrides: Partial<SignedDocument> = {}
): SignedDocument {
	return {
		id: randomUUID(),
		organizationId: appointment.organizationId,
		appointmentId: appointment.id,
		patientId: appointment.patientId,
		authorId: appointment.clinicianId,
		kind: 'progress-note',
		title: 'Progress note',
		text: `S: Doing well.\n${lastLine}`,
		signedAt: '2026-12-02T15:40:00.000Z',
		...overrides
	};
}

/** Books a demo patient's visit, as the scheduler, in the first free slot of the day for their state. */
export async function bookDemoVisit(
	scheduler: ServiceContext,
	phi: PhiCipher,
	visit: { patient: string; state: string; day: string; modality: 'video' | 'phone'; key: string }
): Promise<{ patient: Patient; appointment: Appointment }> {
	const patient = await patientNamed(scheduler.db, phi, visit.patient);
	const [slot] = await searchSlots(scheduler, {
		patientState: visit.state,
		from: visit.day,
		to: visit.day,
		modality: visit.modality,
		limit: 1
	});
	const { appointment } = await bookAppointment(
		scheduler,
		{ patientId: patient.id, slotId: slot!.id, modality: visit.modality, patientState: visit.state },
		{ idempotencyKey: visit.key }
	);
	return { patient, appointment };
}
