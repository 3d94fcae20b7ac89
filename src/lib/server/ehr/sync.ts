import type {
	Appointment as FhirAppointment,
	Patient as FhirPatient,
	Practitioner
} from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { FhirClient } from '../integrations/fhir/client';
import { FhirError } from '../integrations/fhir/client';
import { readPatient } from '../patients/repository';
import type { Clock } from '../platform/clock';
import type { PhiCipher } from '../platform/crypto/phi';
import type { Database } from '../platform/schema';
import { readAppointment } from '../scheduling/repository';
import { readLink, saveLink } from './links';
import { recordConflict } from './conflicts';
import { appointmentResource, appointmentState, identifierSystem, patientResource } from './resources';

const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';

export type EhrSyncDeps = {
	db: Kysely<Database>;
	phi: PhiCipher;
	clock: Clock;
	logger: Logger;
	fhir: FhirClient;
	/** The app's public base URL: the root of the identifier systems it writes. */
	baseUrl: string;
	mrnSystem: string;
};

/** Something a retry cannot fix (a clinician the EHR does not know): the outbox dead-letters it. */
export class EhrSyncRefused extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'EhrSyncRefused';
	}
}

/**
 * The EHR Patient of an AnyVisit patient: the one linked before; else the one with the clinic's MRN;
 * else the one carrying AnyVisit's identifier; else a new one, created conditionally on that
 * identifier so that a retry never creates a second.
 */
export async function resolveEhrPatient(deps: EhrSyncDeps, patientId: string): Promise<string>;
export async function resolveEhrPatient(
	deps: EhrSyncDeps,
	patientId: string,
	options: { create: false }
): Promise<string | null>;
export async function resolveEhrPatient(
	deps: EhrSyncDeps,
	patientId: string,
	options: { create: boolean } = { create: true }
): Promise<string | null> {
	const linked = await readLink(deps.db, 'patient', patientId);
	if (linked) return `Patient/${linked.ehrId}`;
	const patient = await readPatient(deps.db, deps.phi, patientId);
	if (!patient) throw new EhrSyncRefused('The patient no longer exists');
	const ours = `${identifierSystem(deps.baseUrl, 'patient')}|${patient.id}`;
	const byMrn = patient.mrn
		? await deps.fhir.searchAll<FhirPatient>(
				'Patient',
				{ identifier: `${deps.mrnSystem}|${patient.mrn}` },
				{ maxPages: 1 }
			)
		: [];
	if (byMrn.length > 1) throw new EhrSyncRefused('More than one EHR patient has this MRN');
	const found =
		byMrn[0] ?? (await deps.fhir.searchAll<FhirPatient>('Patient', { identifier: ours }, { maxPages: 1 }))[0];
	if (!found && !options.create) return null;
	const ehrPatient =
		found ??
		(
			await deps.fhir.create(patientResource(patient, deps.baseUrl, deps.mrnSystem), {
				ifNoneExist: `identifier=${ours}`
			})
		).resource;
	await saveLink(
		deps.db,
		'patient',
		patient.id,
		{ ehrType: 'Patient', ehrId: ehrPatient.id, versionId: null },
		deps.clock.now()
	);
	return `Patient/${ehrPatient.id}`;
}

/** The EHR Practitioner of a clinician, matched by NPI (clinicians are never created from AnyVisit). */
export async function resolveEhrPractitioner(deps: EhrSyncDeps, staffId: string): Promise<string> {
	const linked = await readLink(deps.db, 'staff', staffId);
	if (linked) return `Practitioner/${linked.ehrId}`;
	const staff = await deps.db
		.selectFrom('staff')
		.select(['id', 'npi'])
		.where('id', '=', staffId)
		.executeTakeFirst();
	if (!staff?.npi) throw new EhrSyncRefused('The clinician has no NPI to find them in the EHR by');
	const [practitioner] = await deps.fhir.searchAll<Practitioner>(
		'Practitioner',
		{ identifier: `${NPI_SYSTEM}|${staff.npi}` },
		{ maxPages: 1 }
	);
	if (!practitioner) throw new EhrSyncRefused('The EHR has no practitioner with the clinician’s NPI');
	await saveLink(
		deps.db,
		'staff',
		staffId,
		{ ehrType: 'Practitioner', ehrId: practitioner.id, versionId: null },
		deps.clock.now()
	);
	return `Practitioner/${practitioner.id}`;
}

/**
 * Writes an appointment's current state to the EHR as a FHIR Appointment: created once (conditional
 * on AnyVisit's identifier, so a retried delivery finds the first), then updated in place with
 * If-Match on the version last written. If the EHR changed it meanwhile (412), the newest version is
 * read: a change to anything but its status and times is written over; a different status or time
 * there is a conflict for staff, and nothing is written (unless staff chose AnyVisit's: `overwrite`).
 */
export async function syncAppointment(
	deps: EhrSyncDeps,
	appointmentId: string,
	options: { overwrite?: boolean } = {}
): Promise<{ ehrId: string; created: boolean; conflict?: true }> {
	const appointment = await readAppointment(deps.db, appointmentId);
	if (!appointment) throw new EhrSyncRefused('The appointment no longer exists');
	const resource = appointmentResource(appointment, {
		patient: await resolveEhrPatient(deps, appointment.patientId),
		practitioner: await resolveEhrPractitioner(deps, appointment.clinicianId),
		baseUrl: deps.baseUrl
	});
	const state = appointmentState(resource);
	const ours = `${identifierSystem(deps.baseUrl, 'appointment')}|${appointment.id}`;
	let link = await readLink(deps.db, 'appointment', appointment.id);
	if (!link) {
		const result = await deps.fhir.create(resource, { ifNoneExist: `identifier=${ours}` });
		link = {
			ehrType: 'Appointment',
			ehrId: result.resource.id,
			versionId: result.resource.meta?.versionId ?? null,
			// Found rather than created: an earlier delivery of ours whose answer was lost.
			syncedState: appointmentState(result.resource)
		};
		if (result.created) {
			await saveLink(deps.db, 'appointment', appointment.id, link, deps.clock.now());
			return { ehrId: link.ehrId, created: true };
		}
	}
	const ehrId = link.ehrId;
	const write = (versionId: string | null) =>
		deps.fhir.update<FhirAppointment>({ ...resource, id: ehrId }, versionId ? { ifMatch: versionId } : {});
	let written: FhirAppointment;
	try {
		written = await write(link.versionId);
	} catch (error) {
		if (!(error instanceof FhirError) || error.status !== 412) throw error;
		const current = await deps.fhir.read<FhirAppointment>('Appointment', ehrId);
		const theirs = appointmentState(current);
		const clash = link.syncedState != null && theirs !== link.syncedState && theirs !== state;
		if (clash && !options.overwrite) {
			deps.logger.warn({ appointmentId: appointment.id }, 'the EHR moved or cancelled the appointment too');
			await recordConflict(deps.db, appointment, { ...current, id: ehrId }, deps.clock.now());
			return { ehrId, created: false, conflict: true };
		}
		written = await write(current.meta?.versionId ?? null);
	}
	await saveLink(
		deps.db,
		'appointment',
		appointment.id,
		{ ...link, versionId: written.meta?.versionId ?? null, syncedState: state },
		deps.clock.now()
	);
	return { ehrId, created: false };
}
