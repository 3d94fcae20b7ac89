import type { Patient as FhirPatient, Practitioner } from '@medplum/fhirtypes';
import { sql, type Kysely } from 'kysely';
import { PAYERS } from '../eligibility/payers';
import { readCoverage } from '../eligibility/service';
import { identifierSystem } from '../ehr/resources';
import { resolveEhrPatient, resolveEhrPractitioner, type EhrSyncDeps } from '../ehr/sync';
import { requirePermission } from '../identity/policy';
import { FhirError } from '../integrations/fhir/client';
import { buildClaim837p, claimProblems, type ProfessionalClaim } from '../integrations/x12/claim837p';
import { ClearinghouseError, type Clearinghouse } from '../integrations/x12/clearinghouse';
import { readPatient } from '../patients/repository';
import { dayIn } from '../scheduling/states';
import type { PhiCipher } from '../platform/crypto/phi';
import type { ServiceContext } from '../platform/context';
import { notFound } from '../platform/errors';
import { enqueue } from '../platform/outbox/outbox';
import { PermanentDeliveryError, type Transport } from '../platform/outbox/transport';
import type { Database } from '../platform/schema';
import charges from './data/charges.json';
import { fhirClaim } from './fhir-claim';

export type ClaimDeliveryDeps = EhrSyncDeps & {
	clearinghouse: Pick<Clearinghouse, 'submitClaims'>;
	/** Interchange ids agreed with the clearinghouse (ISA06/ISA08). */
	sender: string;
	receiver: string;
	usage: 'T' | 'P';
};

/** What keeps a claim from being built, for staff to fix (named in the dead letter, never PHI). */
export class ClaimNotBuildable extends Error {
	constructor(readonly problem: string) {
		super(`The claim cannot be built: ${problem}`);
		this.name = 'ClaimNotBuildable';
	}
}

/** Queues the approved claim for the clearinghouse, in the transaction that approved it. */
export async function enqueueClaim(
	tx: Kysely<Database>,
	phi: PhiCipher,
	claim: { id: string; organizationId: string },
	now: Date
): Promise<void> {
	await enqueue(
		tx,
		phi,
		{
			channel: 'claims',
			payload: { kind: 'claim', claimId: claim.id },
			// A claim is sent once: a retry resends the interchange already built (claim_submissions).
			idempotencyKey: `claim:${claim.id}`,
			organizationId: claim.organizationId
		},
		{ now, maxAttempts: 12 }
	);
}

/** The clinician's name as the EHR has it (837P 2310B NM103/NM104), else split from the display name. */
function practitionerName(practitioner: Practitioner | null, displayName: string) {
	const name = practitioner?.name?.[0];
	if (name?.family) return { givenName: name.given?.[0] ?? '', familyName: name.family };
	const words = displayName.replace(/^(Dr\.?|Mx\.?|Ms\.?|Mr\.?)\s+/i, '').split(/\s+/);
	return { givenName: words[0] ?? '', familyName: words.slice(1).join(' ') || (words[0] ?? '') };
}

/** The patient's billing address and sex from the EHR (the chart keeps demographics; AnyVisit does not). */
function subscriberDemographics(patient: FhirPatient) {
	const home =
		patient.address?.find((a) => a.use === 'home' && a.line?.length) ??
		patient.address?.find((a) => a.line?.length);
	if (!home?.line?.[0] || !home.city || !home.state || !home.postalCode)
		throw new ClaimNotBuildable('the EHR has no postal address for the patient');
	const gender: 'F' | 'M' | 'U' = patient.gender === 'female' ? 'F' : patient.gender === 'male' ? 'M' : 'U';
	return {
		address: { line: home.line[0], city: home.city, state: home.state, zip: home.postalCode },
		gender
	};
}

/**
 * Everything the claim says, gathered at the moment it is sent: the coding the biller approved, the
 * clinic as billing provider, the clinician, the coverage, and the patient's address and sex from
 * the EHR. What is missing is a ClaimNotBuildable naming it; an EHR that is down is retried.
 */
async function professionalClaim(
	deps: ClaimDeliveryDeps,
	claimId: string
): Promise<{ claim: ProfessionalClaim; patientRef: string; organizationId: string }> {
	const row = await deps.db
		.selectFrom('claims')
		.innerJoin('appointments', 'appointments.id', 'claims.appointment_id')
		.innerJoin('organizations', 'organizations.id', 'claims.organization_id')
		.innerJoin('staff', 'staff.id', 'appointments.clinician_id')
		.leftJoin('visits', 'visits.appointment_id', 'claims.appointment_id')
		.select([
			'claims.service_code',
			'claims.modifiers',
			'claims.pos',
			'claims.diagnoses',
			'claims.claim_number',
			'claims.organization_id',
			'appointments.patient_id',
			'appointments.clinician_id',
			'appointments.starts_at',
			'visits.started_at',
			'organizations.name as organization_name',
			'organizations.time_zone',
			'organizations.billing_npi',
			'organizations.tax_id',
			'organizations.billing_address',
			'organizations.billing_phone',
			'staff.npi as clinician_npi',
			'staff.display_name as clinician_name'
		])
		.where('claims.id', '=', claimId)
		.executeTakeFirst();
	if (!row) throw new ClaimNotBuildable('the claim no longer exists');
	if (!row.billing_npi || !row.tax_id || !row.billing_address)
		throw new ClaimNotBuildable('the clinic has no billing NPI, tax id or address');
	if (!row.clinician_npi) throw new ClaimNotBuildable('the clinician has no NPI');
	const patient = await readPatient(deps.db, deps.phi, row.patient_id);
	if (!patient) throw new ClaimNotBuildable('the patient no longer exists');
	const coverage = await readCoverage(deps, row.patient_id);
	const payer = PAYERS.find((p) => p.id === coverage?.payerId);
	if (!coverage || !payer) throw new ClaimNotBuildable('the patient has no coverage on file');
	const chargeCents = (charges.chargeCents as Record<string, number>)[row.service_code];
	if (!chargeCents) throw new ClaimNotBuildable(`the charge master has no charge for ${row.service_code}`);
	const patientRef = await resolveEhrPatient(deps, row.patient_id, { create: false });
	if (!patientRef) throw new ClaimNotBuildable('the patient is not in the EHR');
	const ehrPatient = await deps.fhir.read<FhirPatient>('Patient', patientRef.split('/')[1]!);
	const practitioner = await resolveEhrPractitioner(deps, row.clinician_id)
		.then((ref) => deps.fhir.read<Practitioner>('Practitioner', ref.split('/')[1]!))
		.catch((error: unknown) => {
			if (error instanceof FhirError && error.retryable) throw error;
			return null;
		});
	const dateOfService = dayIn(row.started_at ?? row.starts_at, row.time_zone);
	const demographics = subscriberDemographics(ehrPatient);
	const claim: ProfessionalClaim = {
		submitter: {
			name: row.organization_name,
			id: deps.sender,
			contactName: 'Billing Office',
			contactPhone: row.billing_phone ?? ''
		},
		receiver: { name: 'Clearinghouse', id: deps.receiver },
		billingProvider: {
			name: row.organization_name,
			npi: row.billing_npi,
			taxId: row.tax_id,
			address: row.billing_address
		},
		renderingProvider: { ...practitionerName(practitioner, row.clinician_name), npi: row.clinician_npi },
		payer: { name: payer.name, id: payer.id, filing: payer.kind },
		subscriber: {
			memberId: coverage.memberId,
			givenName: patient.givenName,
			familyName: patient.familyName,
			birthDate: patient.birthDate,
			...demographics,
			...(coverage.groupNumber ? { groupNumber: coverage.groupNumber } : {})
		},
		claimId: row.claim_number!,
		diagnoses: row.diagnoses,
		pos: row.pos,
		lines: [{ code: row.service_code, modifiers: row.modifiers, chargeCents, units: 1, dateOfService }],
		usage: deps.usage
	};
	const problems = claimProblems(claim);
	if (problems.length) throw new ClaimNotBuildable(`not sendable as it stands (${problems.join(', ')})`);
	return { claim, patientRef, organizationId: row.organization_id };
}

/**
 * The interchange and FHIR Claim sent for a claim: built once and kept (sealed), so a retry sends the
 * same interchange, with the same control number, and the biller can download what was sent.
 */
async function submissionOf(deps: ClaimDeliveryDeps, claimId: string): Promise<string> {
	const kept = await deps.db
		.selectFrom('claim_submissions')
		.select(['data_key_id', 'x12_enc'])
		.where('claim_id', '=', claimId)
		.executeTakeFirst();
	if (kept) {
		const key = await deps.phi.dataKey(deps.db, kept.data_key_id);
		return deps.phi.open(key, 'claim_submissions.x12', claimId, kept.x12_enc);
	}
	const { claim, patientRef, organizationId } = await professionalClaim(deps, claimId);
	const now = deps.clock.now();
	const { nextval } = await sql<{ nextval: string }>`select nextval('claim_interchange_seq')`
		.execute(deps.db)
		.then((r) => r.rows[0]!);
	const interchange = Number(nextval);
	const x12 = buildClaim837p(claim, {
		interchange,
		group: interchange,
		transaction: '0001',
		now
	});
	const resource = fhirClaim(claim, {
		patient: patientRef,
		identifierSystem: identifierSystem(deps.baseUrl, 'claim'),
		created: now
	});
	const inserted = await deps.db.transaction().execute(async (tx) => {
		const key = await deps.phi.newDataKey(tx);
		return tx
			.insertInto('claim_submissions')
			.values({
				claim_id: claimId,
				organization_id: organizationId,
				interchange,
				data_key_id: key.id,
				x12_enc: deps.phi.seal(key, 'claim_submissions.x12', claimId, x12),
				fhir_enc: deps.phi.seal(key, 'claim_submissions.fhir', claimId, JSON.stringify(resource)),
				created_at: now
			})
			.onConflict((oc) => oc.column('claim_id').doNothing())
			.returning('claim_id')
			.executeTakeFirst();
	});
	// Two deliveries at once: whichever was kept first is the one sent.
	return inserted ? x12 : submissionOf(deps, claimId);
}

/**
 * Delivers 'claims' outbox messages: builds the 837P (and the FHIR Claim beside it), hands the batch
 * to the clearinghouse (the sandbox one in development: the claim stays here for download) and marks
 * the claim submitted with the clearinghouse's receipt. What no retry can fix is a dead letter at once.
 */
export function claimsTransport(deps: ClaimDeliveryDeps): Transport {
	return {
		channel: 'claims',
		async deliver(message) {
			const claimId = message.payload.claimId;
			if (message.payload.kind !== 'claim' || typeof claimId !== 'string')
				throw new PermanentDeliveryError('The claim message payload is not valid');
			try {
				const x12 = await submissionOf(deps, claimId);
				const { receipt } = await deps.clearinghouse.submitClaims(x12);
				const now = deps.clock.now();
				await deps.db.transaction().execute(async (tx) => {
					await tx
						.updateTable('claim_submissions')
						.set({ receipt })
						.where('claim_id', '=', claimId)
						.execute();
					await tx
						.updateTable('claims')
						.set({ status: 'submitted', submitted_at: now })
						.where('id', '=', claimId)
						.execute();
				});
				return { remoteId: receipt };
			} catch (error) {
				if (error instanceof ClaimNotBuildable) throw new PermanentDeliveryError(error.message);
				if (error instanceof ClearinghouseError && !error.retryable)
					throw new PermanentDeliveryError(error.message);
				if (error instanceof FhirError && !error.retryable) throw new PermanentDeliveryError(error.message);
				throw error;
			}
		}
	};
}

export type ClaimFile = { filename: string; contentType: string; body: string };

/**
 * What was sent for a visit's claim, for the biller to download: the 837P interchange or the FHIR
 * Claim. Audited (it names the patient); 404 until the claim has been built.
 */
export async function claimFile(
	ctx: ServiceContext,
	appointmentId: string,
	format: 'x12' | 'fhir'
): Promise<ClaimFile> {
	const biller = await requirePermission(ctx, 'billing.evaluate', {
		action: 'billing.claim.download',
		resourceType: 'appointment',
		resourceId: appointmentId
	});
	const row = await ctx.db
		.selectFrom('claim_submissions')
		.innerJoin('claims', 'claims.id', 'claim_submissions.claim_id')
		.select([
			'claims.id',
			'claims.claim_number',
			'claim_submissions.data_key_id',
			'claim_submissions.x12_enc',
			'claim_submissions.fhir_enc'
		])
		.where('claims.appointment_id', '=', appointmentId)
		.where('claims.organization_id', '=', biller.organizationId)
		.executeTakeFirst();
	if (!row) throw notFound();
	const key = await ctx.phi.dataKey(ctx.db, row.data_key_id);
	await ctx.audit.record({
		action: 'billing.claim.download',
		resourceType: 'appointment',
		resourceId: appointmentId,
		details: { format },
		purpose: 'payment'
	});
	return format === 'x12'
		? {
				filename: `${row.claim_number}.x12`,
				contentType: 'application/edi-x12',
				body: ctx.phi.open(key, 'claim_submissions.x12', row.id, row.x12_enc)
			}
		: {
				filename: `${row.claim_number}.json`,
				contentType: 'application/fhir+json',
				body: ctx.phi.open(key, 'claim_submissions.fhir', row.id, row.fhir_enc)
			};
}
