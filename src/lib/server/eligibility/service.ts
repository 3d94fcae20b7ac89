import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { requirePermission } from '../identity/policy';
import { build270, parse271, type EligibilityResult } from '../integrations/x12/eligibility';
import { ClearinghouseError, type Clearinghouse } from '../integrations/x12/clearinghouse';
import { readPatient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import { AppError, notFound } from '../platform/errors';
import { getAppointment } from '../scheduling/booking';
import { STATE_TIME_ZONES, dayIn } from '../scheduling/states';
import { payerName } from './payers';

export type EligibilityDeps = {
	clearinghouse: Pick<Clearinghouse, 'check'>;
	/** Interchange ids agreed with the clearinghouse (ISA06/ISA08). */
	sender: string;
	receiver: string;
	usage: 'T' | 'P';
	/** Service types asked besides 30 and read as the telehealth benefit (as agreed with the payers). */
	telehealthServiceTypes?: string[];
};

export type Coverage = { payerId: string; payerName: string; memberId: string; groupNumber: string | null };

export type EligibilityCheck = {
	id: string;
	payerId: string;
	payerName: string;
	dateOfService: string;
	outcome: EligibilityResult['outcome'];
	telehealth: EligibilityResult['telehealth'];
	copayCents: number | null;
	reason: string | null;
	checkedAt: Date;
};

async function staffFor(ctx: ServiceContext, action: string, patientId: string) {
	const attempt = { action, resourceType: 'patient', resourceId: patientId };
	const staff = await requirePermission(ctx, 'coverage.manage', attempt);
	const patient = await readPatient(ctx.db, ctx.phi, patientId);
	if (!patient || patient.organizationId !== staff.organizationId) {
		await ctx.audit.record({ ...attempt, outcome: 'denied', details: { reason: 'out_of_scope' } });
		throw notFound();
	}
	return { staff, patient, attempt };
}

/** The patient's coverage, opened (no access check: the caller has made one). */
export async function readCoverage(
	ctx: Pick<ServiceContext, 'db' | 'phi'>,
	patientId: string
): Promise<Coverage | null> {
	const row = await ctx.db
		.selectFrom('coverages')
		.selectAll()
		.where('patient_id', '=', patientId)
		.executeTakeFirst();
	if (!row) return null;
	const key = await ctx.phi.dataKey(ctx.db, row.data_key_id);
	return {
		payerId: row.payer_id,
		payerName: payerName(row.payer_id),
		memberId: ctx.phi.open(key, 'coverages.member_id', patientId, row.member_id_enc),
		groupNumber: ctx.phi.openOptional(key, 'coverages.group_number', patientId, row.group_number_enc)
	};
}

/** The patient's coverage as staff see it (audited), or null. */
export async function coverageOf(ctx: ServiceContext, patientId: string): Promise<Coverage | null> {
	const { attempt } = await staffFor(ctx, 'coverage.read', patientId);
	await ctx.audit.record({ ...attempt, purpose: 'payment' });
	return readCoverage(ctx, patientId);
}

/** Records (or replaces) the patient's coverage: payer, member id and group, sealed. */
export async function saveCoverage(
	ctx: ServiceContext,
	patientId: string,
	input: { payerId: string; memberId: string; groupNumber?: string | undefined }
): Promise<Coverage> {
	const { staff, patient, attempt } = await staffFor(ctx, 'coverage.save', patientId);
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		const existing = await tx
			.selectFrom('coverages')
			.select('data_key_id')
			.where('patient_id', '=', patientId)
			.executeTakeFirst();
		const key = existing ? await ctx.phi.dataKey(tx, existing.data_key_id) : await ctx.phi.newDataKey(tx);
		const values = {
			payer_id: input.payerId,
			member_id_enc: ctx.phi.seal(key, 'coverages.member_id', patientId, input.memberId),
			group_number_enc: ctx.phi.sealOptional(
				key,
				'coverages.group_number',
				patientId,
				input.groupNumber ?? null
			),
			updated_at: now,
			updated_by: staff.id
		};
		await tx
			.insertInto('coverages')
			.values({
				...values,
				patient_id: patientId,
				organization_id: patient.organizationId,
				data_key_id: key.id
			})
			.onConflict((oc) => oc.column('patient_id').doUpdateSet(values))
			.execute();
		await ctx.audit.record({ ...attempt, purpose: 'payment', details: { payerId: input.payerId } }, tx);
	});
	return (await readCoverage(ctx, patientId))!;
}

const CHECK_COLUMNS = [
	'id',
	'payer_id',
	'date_of_service',
	'outcome',
	'telehealth',
	'copay_cents',
	'reason',
	'checked_at'
] as const;

const toCheck = (row: {
	id: string;
	payer_id: string;
	date_of_service: string;
	outcome: EligibilityCheck['outcome'];
	telehealth: EligibilityCheck['telehealth'];
	copay_cents: number | null;
	reason: string | null;
	checked_at: Date;
}): EligibilityCheck => ({
	id: row.id,
	payerId: row.payer_id,
	payerName: payerName(row.payer_id),
	dateOfService: String(row.date_of_service).slice(0, 10),
	outcome: row.outcome,
	telehealth: row.telehealth,
	copayCents: row.copay_cents,
	reason: row.reason,
	checkedAt: row.checked_at
});

/** The eligibility checks of a visit, newest first. */
export async function eligibilityChecksFor(
	ctx: ServiceContext,
	appointmentId: string
): Promise<EligibilityCheck[]> {
	const appointment = await getAppointment(ctx, appointmentId);
	await staffFor(ctx, 'eligibility.read', appointment.patientId);
	const rows = await ctx.db
		.selectFrom('eligibility_checks')
		.select(CHECK_COLUMNS)
		.where('appointment_id', '=', appointmentId)
		.orderBy('checked_at', 'desc')
		.execute();
	return rows.map(toCheck);
}

/**
 * Asks the payer, through the clearinghouse, whether the patient's coverage is active on the visit's
 * date and covers telehealth (an X12 270 with service type 30 plus the configured telehealth types; HIPAA
 * 005010X279A1). Whatever the payer answered is kept, an unreadable answer included (staff re-check);
 * a clearinghouse that cannot be reached keeps nothing and says so.
 */
export async function checkEligibility(
	ctx: ServiceContext,
	deps: EligibilityDeps,
	appointmentId: string
): Promise<EligibilityCheck> {
	const appointment = await getAppointment(ctx, appointmentId);
	const { staff, patient, attempt } = await staffFor(ctx, 'eligibility.check', appointment.patientId);
	const coverage = await readCoverage(ctx, patient.id);
	if (!coverage) throw new AppError('COVERAGE_MISSING');
	const clinician = await ctx.db
		.selectFrom('staff')
		.select(['display_name', 'npi'])
		.where('id', '=', appointment.clinicianId)
		.executeTakeFirstOrThrow();
	if (!clinician.npi) throw new AppError('COVERAGE_MISSING');
	const now = ctx.clock.now();
	const dateOfService = dayIn(
		appointment.start,
		STATE_TIME_ZONES[appointment.patientState] ?? 'America/Chicago'
	);
	const { control } = await sql<{ control: string }>`select nextval('x12_interchange_control') as control`
		.execute(ctx.db)
		.then((r) => r.rows[0]!);
	const request = build270(
		{
			payer: { id: coverage.payerId, name: coverage.payerName },
			provider: { npi: clinician.npi, name: clinician.display_name },
			subscriber: {
				memberId: coverage.memberId,
				givenName: patient.givenName,
				familyName: patient.familyName,
				birthDate: patient.birthDate,
				...(coverage.groupNumber ? { groupNumber: coverage.groupNumber } : {})
			},
			dateOfService,
			extraServiceTypes: deps.telehealthServiceTypes ?? [],
			sender: { id: deps.sender },
			receiver: { id: deps.receiver },
			usage: deps.usage
		},
		{ interchange: Number(control), group: Number(control), transaction: '0001', now }
	);
	let answer: string;
	try {
		answer = await deps.clearinghouse.check(request);
	} catch (error) {
		if (error instanceof ClearinghouseError) throw new AppError('CLEARINGHOUSE_UNAVAILABLE');
		throw error;
	}
	const result = parse271(answer, { telehealthServiceTypes: deps.telehealthServiceTypes ?? [] });
	const copay = result.copay?.find((c) => c.network !== 'out');
	const copayCents = copay ? Math.round(copay.amount * 100) : null;
	const id = randomUUID();
	await ctx.db.transaction().execute(async (tx) => {
		const key = await ctx.phi.newDataKey(tx);
		await tx
			.insertInto('eligibility_checks')
			.values({
				id,
				organization_id: appointment.organizationId,
				patient_id: patient.id,
				appointment_id: appointmentId,
				payer_id: coverage.payerId,
				date_of_service: dateOfService,
				outcome: result.outcome,
				telehealth: result.telehealth,
				copay_cents: copayCents,
				reason: result.reason ?? null,
				data_key_id: key.id,
				answer_enc: ctx.phi.seal(key, 'eligibility_checks.answer', id, answer),
				checked_at: now,
				checked_by: staff.id
			})
			.execute();
		await ctx.audit.record(
			{ ...attempt, purpose: 'payment', details: { outcome: result.outcome, telehealth: result.telehealth } },
			tx
		);
	});
	return toCheck({
		id,
		payer_id: coverage.payerId,
		date_of_service: dateOfService,
		outcome: result.outcome,
		telehealth: result.telehealth,
		copay_cents: copayCents,
		reason: result.reason ?? null,
		checked_at: now
	});
}
