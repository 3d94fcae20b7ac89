import { requirePermission } from '../identity/policy';
import { PAYERS } from '../eligibility/payers';
import type { ServiceContext } from '../platform/context';
import { sql } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, notFound, validationFailed, type FieldIssue } from '../platform/errors';
import { readCheckIn } from '../previsit/check-in';
import { consentStatusOf } from '../previsit/consent';
import { readPatient } from '../patients/repository';
import { parseDiagnoses, signedSections, withDot } from '../notes/service';
import { dayIn } from '../scheduling/states';
import { enqueueClaim } from './claims';
import { readSegments } from '../visits/repository';
import {
	BillingInputError,
	evaluate,
	isKnownCode,
	type Coding,
	type EncounterFacts,
	type Reason
} from './engine';

/**
 * E/M office visit level by total time on the date of service (CPT 2024+ minimums, DOMAIN.md Codes):
 * new 99202 15, 99203 30, 99204 45, 99205 60 minutes; established 99212 10, 99213 20, 99214 30, 99215 40.
 * Psychotherapy by session time (CPT: 90832 16–37, 90834 38–52, 90837 53+ minutes).
 */
const BY_TIME: Record<'new' | 'established' | 'psychotherapy', [number, string][]> = {
	new: [
		[60, '99205'],
		[45, '99204'],
		[30, '99203'],
		[15, '99202']
	],
	established: [
		[40, '99215'],
		[30, '99214'],
		[20, '99213'],
		[10, '99212']
	],
	psychotherapy: [
		[53, '90837'],
		[38, '90834'],
		[16, '90832']
	]
};

/** Office E/M level by medical decision making (CPT 2021+): straightforward, low, moderate, high. */
const BY_MDM: Record<'new' | 'established', Record<string, string>> = {
	new: { straightforward: '99202', low: '99203', moderate: '99204', high: '99205' },
	established: { straightforward: '99212', low: '99213', moderate: '99214', high: '99215' }
};

/**
 * The suggested code: by time, or by the documented MDM level, whichever gives the higher office
 * E/M level (CPT lets the clinician choose either basis). Psychotherapy is by time only.
 */
export function suggestCode(
	visitType: string,
	service: string,
	minutes: number,
	mdm?: string
): string | null {
	if (service === 'behavioral') return BY_TIME.psychotherapy.find(([min]) => minutes >= min)?.[1] ?? null;
	const kind = visitType === 'new-patient' ? 'new' : 'established';
	const byTime = BY_TIME[kind].find(([min]) => minutes >= min)?.[1] ?? null;
	const byMdm = mdm ? (BY_MDM[kind][mdm] ?? null) : null;
	if (!byTime || !byMdm) return byTime ?? byMdm;
	return byTime > byMdm ? byTime : byMdm;
}

/** What stands in the way of a clean claim, before it is sent (each a plain explanation). */
export type Warning =
	| 'NOT_CODABLE'
	| 'NO_COVERAGE'
	| 'NO_CODE'
	| 'CONSENT_MISSING'
	| 'LICENSURE'
	| 'ELIGIBILITY_INACTIVE'
	| 'NOTE_UNSIGNED';

export type QueueItem = {
	appointmentId: string;
	patientName: string;
	date: string;
	visitType: string;
	minutes: number;
	payer: string | null;
	coding: Coding | null;
	facts: EncounterFacts | null;
	warnings: Warning[];
	/** The diagnoses of the signed note (ICD-10-CM, principal first), which the claim carries. */
	diagnoses: string[];
	/** The claim as approved, once it is, and whether it has gone to the clearinghouse. */
	approved: {
		code: string;
		modifiers: string[];
		pos: string;
		diagnoses: string[];
		at: Date;
		claimNumber: string | null;
		submittedAt: Date | null;
	} | null;
};

type VisitRow = {
	appointment_id: string;
	patient_id: string;
	started_at: Date | null;
	ended_at: Date | null;
	visit_type: string;
	service: string;
	time_zone: string;
};

async function itemFor(ctx: ServiceContext, row: VisitRow): Promise<QueueItem> {
	const warnings: Warning[] = [];
	const patient = await readPatient(ctx.db, ctx.phi, row.patient_id);
	const minutes =
		row.started_at && row.ended_at
			? Math.round((row.ended_at.getTime() - row.started_at.getTime()) / 60_000)
			: 0;
	const date = dayIn(row.started_at ?? ctx.clock.now(), row.time_zone);
	const coverage = await ctx.db
		.selectFrom('coverages')
		.select('payer_id')
		.where('patient_id', '=', row.patient_id)
		.executeTakeFirst();
	const payer = PAYERS.find((p) => p.id === coverage?.payer_id);
	if (!payer) warnings.push('NO_COVERAGE');
	// The level follows the signed note's documented total time and MDM when it has them, else the visit's length.
	const note = await signedSections(ctx, row.appointment_id);
	const documented = note?.totalMinutes ? Number(note.totalMinutes) : null;
	const mdm = note?.mdm || null;
	const code = suggestCode(row.visit_type, row.service, documented ?? minutes, mdm ?? undefined);
	if (!code) warnings.push('NO_CODE');
	const checkIn = await readCheckIn(ctx.db, ctx.phi, row.appointment_id);
	if (checkIn && !checkIn.licensure.allowed) warnings.push('LICENSURE');
	const consent = await consentStatusOf(
		ctx.db,
		ctx.phi,
		row.patient_id,
		'telehealth',
		row.started_at ?? ctx.clock.now()
	);
	if (consent.status !== 'current') warnings.push('CONSENT_MISSING');
	const eligibility = await ctx.db
		.selectFrom('eligibility_checks')
		.select('outcome')
		.where('patient_id', '=', row.patient_id)
		.orderBy('checked_at', 'desc')
		.executeTakeFirst();
	if (eligibility && eligibility.outcome !== 'active') warnings.push('ELIGIBILITY_INACTIVE');
	if (!note) warnings.push('NOTE_UNSIGNED');

	// What happened decides the audio-only facts: a move off video for the network or the device means
	// the patient could not do video; one the patient chose means they did not agree to it.
	const segments = await readSegments(ctx.db, row.appointment_id);
	const offVideo = segments.filter((s) => s.modality !== 'video');
	const facts: EncounterFacts | null =
		payer && code && checkIn && segments.every((s) => s.end)
			? {
					dateOfService: date,
					payer: payer.kind,
					payerState: payer.state ?? undefined,
					serviceCode: code,
					patientLocation: {
						state: checkIn.locationState,
						setting: checkIn.locationSetting === 'home' ? 'home' : 'facility'
					},
					segments: segments.map((s) => ({
						modality: s.modality,
						start: s.start.toISOString(),
						end: s.end!.toISOString()
					})),
					clinicianVideoCapable: true,
					patientVideoCapable: !offVideo.some(
						(s) => s.reason === 'poor_network' || s.reason === 'device' || s.reason === 'start'
					),
					patientConsentsToVideo: !offVideo.some((s) => s.reason === 'choice' && s.startedBy === 'patient'),
					behavioralHealth: row.service === 'behavioral'
				}
			: null;
	let coding: Coding | null = null;
	if (facts) {
		try {
			coding = evaluate(facts);
		} catch (error) {
			// A code or payer the engine has no rules for: the biller codes this one by hand.
			if (!(error instanceof BillingInputError)) throw error;
			warnings.push('NOT_CODABLE');
		}
	}
	const claim = await ctx.db
		.selectFrom('claims')
		.select(['service_code', 'modifiers', 'pos', 'diagnoses', 'approved_at', 'claim_number', 'submitted_at'])
		.where('appointment_id', '=', row.appointment_id)
		.executeTakeFirst();
	return {
		approved: claim
			? {
					code: claim.service_code,
					modifiers: claim.modifiers,
					pos: claim.pos,
					diagnoses: claim.diagnoses.map(withDot),
					at: claim.approved_at,
					claimNumber: claim.claim_number,
					submittedAt: claim.submitted_at
				}
			: null,
		diagnoses: note?.diagnoses ? (parseDiagnoses(note.diagnoses) ?? []) : [],
		appointmentId: row.appointment_id,
		patientName: patient ? `${patient.givenName} ${patient.familyName}` : '',
		date,
		visitType: row.visit_type,
		minutes: documented ?? minutes,
		payer: payer?.name ?? null,
		coding,
		facts,
		warnings
	};
}

function visitsToBill(ctx: ServiceContext, organizationId: string) {
	return ctx.db
		.selectFrom('visits')
		.innerJoin('appointments', 'appointments.id', 'visits.appointment_id')
		.innerJoin('visit_types', 'visit_types.id', 'appointments.visit_type_id')
		.innerJoin('organizations', 'organizations.id', 'visits.organization_id')
		.select([
			'visits.appointment_id',
			'appointments.patient_id',
			'visits.started_at',
			'visits.ended_at',
			'visit_types.code as visit_type',
			'visit_types.service',
			'organizations.time_zone'
		])
		.where('visits.organization_id', '=', organizationId)
		.where('visits.status', '=', 'ended');
}

/** Newest first, but every visit still to approve before any approved one: none drops off the page. */
const TO_APPROVE_FIRST = sql<boolean>`exists (select 1 from claims where claims.appointment_id = visits.appointment_id)`;

/**
 * The biller's work queue: the clinic's ended visits (those still to approve first, then newest
 * first), each with its suggested coding
 * (E/M level by time, POS and modifiers from what happened), the reason for each decision, and the
 * warnings that would get the claim denied. Reading it is audited (it names patients).
 */
export async function billingQueue(ctx: ServiceContext): Promise<QueueItem[]> {
	const biller = await requirePermission(ctx, 'billing.evaluate', {
		action: 'billing.queue',
		resourceType: 'visit'
	});
	const rows = await visitsToBill(ctx, biller.organizationId)
		.orderBy(TO_APPROVE_FIRST, 'asc')
		.orderBy('visits.ended_at', 'desc')
		.limit(50)
		.execute();
	const items = [];
	for (const row of rows) items.push(await itemFor(ctx, row));
	await ctx.audit.record({
		action: 'billing.queue',
		resourceType: 'visit',
		details: { visits: rows.length }
	});
	return items;
}

/** One visit of the queue, for its detail page. */
export async function billingItem(ctx: ServiceContext, appointmentId: string): Promise<QueueItem> {
	const biller = await requirePermission(ctx, 'billing.evaluate', {
		action: 'billing.read',
		resourceType: 'appointment',
		resourceId: appointmentId
	});
	const row = await visitsToBill(ctx, biller.organizationId)
		.where('visits.appointment_id', '=', appointmentId)
		.executeTakeFirst();
	if (!row) throw notFound();
	await ctx.audit.record({ action: 'billing.read', resourceType: 'appointment', resourceId: appointmentId });
	return itemFor(ctx, row);
}

export type { Reason };

/** CLM01: `AV` and 14 characters of Crockford base 32 (no I, L, O, U), unique and easy to read out. */
function claimNumber(): string {
	const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
	return `AV${[...randomBytes(14)].map((b) => alphabet[b % 32]).join('')}`;
}

export type Approval = {
	code: string;
	modifiers: string[];
	pos: string;
	/** ICD-10-CM codes as written (`E11.9, I10`), principal first: the note's unless corrected. */
	diagnoses: string;
	reason: string;
};

/**
 * The biller approves the visit's claim: the suggested coding as it is, or corrected. A correction, a
 * coding the engine found not billable, or any open warning needs a reason, kept with the claim
 * (the engine never decides alone, and an override is never silent). Approving twice is a 409.
 */
export async function approveClaim(
	ctx: ServiceContext,
	appointmentId: string,
	input: Approval
): Promise<void> {
	const item = await billingItem(ctx, appointmentId);
	const problems: FieldIssue[] = [];
	if (!isKnownCode(input.code)) problems.push({ field: 'code', key: 'billing:problem.unknown_code' });
	if (input.modifiers.length > 4 || input.modifiers.some((m) => !/^[A-Z0-9]{2}$/.test(m)))
		problems.push({ field: 'modifiers', key: 'errors:field.invalid' });
	if (!/^\d{2}$/.test(input.pos)) problems.push({ field: 'pos', key: 'errors:field.invalid' });
	// A claim names at least one diagnosis (837P HI, ABK the principal).
	const diagnoses = parseDiagnoses(input.diagnoses);
	if (diagnoses === null) problems.push({ field: 'diagnoses', key: 'notes:problem.diagnoses' });
	else if (diagnoses.length === 0) problems.push({ field: 'diagnoses', key: 'errors:field.required' });
	const line = item.coding?.lines[0];
	const same =
		line &&
		line.code === input.code &&
		line.pos === input.pos &&
		line.modifiers.join(' ') === input.modifiers.join(' ') &&
		diagnoses?.join(' ') === item.diagnoses.join(' ');
	const needsReason = !same || !item.coding?.billable || item.warnings.length > 0;
	const reason = input.reason.trim();
	if (needsReason && !reason) problems.push({ field: 'reason', key: 'staff:billing.reason_required' });
	if (reason.length > 1000)
		problems.push({ field: 'reason', key: 'errors:field.too_long', params: { max: 1000 } });
	if (problems.length) throw validationFailed(problems);
	const actor = ctx.actor as { id: string; organizationId: string };
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		const id = randomUUID();
		const key = await ctx.phi.newDataKey(tx);
		const inserted = await tx
			.insertInto('claims')
			.values({
				id,
				appointment_id: appointmentId,
				organization_id: actor.organizationId,
				status: 'approved',
				service_code: input.code,
				modifiers: JSON.stringify(input.modifiers),
				pos: input.pos,
				diagnoses: JSON.stringify(diagnoses!.map((code) => code.replace('.', ''))),
				claim_number: claimNumber(),
				suggested: line ? JSON.stringify(line) : null,
				data_key_id: key.id,
				override_reason_enc: reason ? ctx.phi.seal(key, 'claims.override_reason', id, reason) : null,
				approved_by: actor.id,
				approved_at: now
			})
			.onConflict((oc) => oc.column('appointment_id').doNothing())
			.returning('id')
			.executeTakeFirst();
		if (!inserted) throw new AppError('CLAIM_APPROVED');
		await enqueueClaim(tx, ctx.phi, { id, organizationId: actor.organizationId }, now);
		await ctx.audit.record(
			{
				action: 'billing.approve',
				resourceType: 'appointment',
				resourceId: appointmentId,
				details: { code: input.code, modifiers: input.modifiers.join(' '), pos: input.pos, overridden: !same }
			},
			tx
		);
	});
}
