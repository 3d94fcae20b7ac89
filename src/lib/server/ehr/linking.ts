import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { requirePermission } from '../identity/policy';
import { setPatientMrn, readPatient, type Patient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import { AppError, notFound, validationFailed } from '../platform/errors';
import { FhirError } from '../integrations/fhir/client';
import { readLink, saveLink } from './links';
import { enqueueAppointmentSync } from './outbox';
import type { EhrSyncDeps } from './sync';

/** An EHR patient as staff compare it with AnyVisit's: name, birth date, MRN, and whom it is linked to. */
export type EhrPatientMatch = {
	ehrId: string;
	name: string;
	birthDate: string | null;
	mrn: string | null;
	/** The AnyVisit patient this EHR patient is linked to already, if any. */
	linkedTo: string | null;
};

export type EhrSearch = { family?: string; given?: string; birthDate?: string; mrn?: string };

const MAX_MATCHES = 20;

function unavailable(error: unknown): never {
	if (error instanceof FhirError) throw new AppError('EHR_UNAVAILABLE');
	throw error;
}

async function staffAndPatient(ctx: ServiceContext, action: string, patientId: string) {
	const attempt = { action, resourceType: 'patient', resourceId: patientId };
	const staff = await requirePermission(ctx, 'ehr.link', attempt);
	const patient = await readPatient(ctx.db, ctx.phi, patientId);
	if (!patient || patient.organizationId !== staff.organizationId) {
		await ctx.audit.record({ ...attempt, outcome: 'denied', details: { reason: 'out_of_scope' } });
		throw notFound();
	}
	return { staff, patient, attempt };
}

async function toMatch(
	ctx: ServiceContext,
	deps: EhrSyncDeps,
	resource: FhirPatient
): Promise<EhrPatientMatch> {
	const name = resource.name?.[0];
	const linked = await ctx.db
		.selectFrom('ehr_links')
		.select('local_id')
		.where('local_type', '=', 'patient')
		.where('ehr_type', '=', 'Patient')
		.where('ehr_id', '=', resource.id!)
		.executeTakeFirst();
	return {
		ehrId: resource.id!,
		name: name?.text ?? [...(name?.given ?? []), name?.family ?? ''].join(' ').trim(),
		birthDate: resource.birthDate ?? null,
		mrn: resource.identifier?.find((i) => i.system === deps.mrnSystem)?.value ?? null,
		linkedTo: linked?.local_id ?? null
	};
}

/** The patient and the EHR patient they are linked to (null: not yet), read for staff and audited. */
export async function ehrLinkOf(
	ctx: ServiceContext,
	deps: EhrSyncDeps,
	patientId: string
): Promise<{ patient: Patient; linked: EhrPatientMatch | null }> {
	const { patient, attempt } = await staffAndPatient(ctx, 'ehr.link.read', patientId);
	await ctx.audit.record({ ...attempt, purpose: 'operations' });
	const link = await readLink(ctx.db, 'patient', patientId);
	if (!link) return { patient, linked: null };
	const resource = await deps.fhir.read<FhirPatient>('Patient', link.ehrId).catch(unavailable);
	return { patient, linked: await toMatch(ctx, deps, resource) };
}

/**
 * Searches the EHR's patients, by MRN alone when one is given (it names one person), otherwise by
 * name and birth date. The query is PHI, so the audit entry records only how many were found.
 */
export async function searchEhrPatients(
	ctx: ServiceContext,
	deps: EhrSyncDeps,
	patientId: string,
	query: EhrSearch
): Promise<EhrPatientMatch[]> {
	const { attempt } = await staffAndPatient(ctx, 'ehr.patient.search', patientId);
	const params: Record<string, string> = query.mrn
		? { identifier: `${deps.mrnSystem}|${query.mrn}` }
		: {
				...(query.family ? { family: query.family } : {}),
				...(query.given ? { given: query.given } : {}),
				...(query.birthDate ? { birthdate: query.birthDate } : {})
			};
	if (Object.keys(params).length === 0)
		throw validationFailed([{ field: 'family', key: 'errors:field.required' }]);
	const found = await deps.fhir
		.searchAll<FhirPatient>('Patient', { ...params, _count: String(MAX_MATCHES) }, { maxPages: 1 })
		.catch(unavailable);
	await ctx.audit.record({ ...attempt, purpose: 'operations', details: { results: found.length } });
	return Promise.all(found.slice(0, MAX_MATCHES).map((r) => toMatch(ctx, deps, r)));
}

/**
 * Links an AnyVisit patient to an EHR patient staff chose: the EHR patient must exist and be nobody
 * else's. The clinic's MRN is taken from it when AnyVisit has none, and the patient's open visits
 * are synced again, so the EHR's appointments point at the patient now linked.
 */
export async function linkEhrPatient(
	ctx: ServiceContext,
	deps: EhrSyncDeps,
	patientId: string,
	ehrId: string
): Promise<EhrPatientMatch> {
	const { patient, attempt } = await staffAndPatient(ctx, 'ehr.patient.link', patientId);
	const resource = await deps.fhir.read<FhirPatient>('Patient', ehrId).catch((error: unknown) => {
		if (error instanceof FhirError && error.status === 404) throw notFound();
		return unavailable(error);
	});
	const match = await toMatch(ctx, deps, resource);
	if (match.linkedTo && match.linkedTo !== patientId) throw new AppError('EHR_PATIENT_LINKED');
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		await saveLink(tx, 'patient', patientId, { ehrType: 'Patient', ehrId, versionId: null }, now);
		if (!patient.mrn && match.mrn) await setPatientMrn(tx, ctx.phi, patientId, match.mrn);
		const open = await tx
			.selectFrom('appointments')
			.select(['id', 'organization_id as organizationId'])
			.where('patient_id', '=', patientId)
			.where('status', 'in', ['booked', 'confirmed'])
			.where('ends_at', '>', now)
			.execute();
		for (const appointment of open) await enqueueAppointmentSync(tx, ctx.phi, appointment, now);
		await ctx.audit.record({ ...attempt, purpose: 'operations', details: { ehrId } }, tx);
	});
	return { ...match, linkedTo: patientId };
}
