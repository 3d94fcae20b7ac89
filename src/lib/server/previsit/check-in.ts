import type { Kysely } from 'kysely';
import { requirePermission } from '../identity/policy';
import { parseContact } from '../identity/patient-sign-in';
import { checkPractice } from '../licensure/service';
import type { PracticeRefusal } from '../licensure/rules';
import { readOrganization } from '../organizations/repository';
import { readPatient, type Patient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import type { PhiCipher } from '../platform/crypto/phi';
import { AppError, validationFailed } from '../platform/errors';
import type { Accommodations, Database, LocationSetting } from '../platform/schema';
import { getAppointment } from '../scheduling/booking';
import type { Appointment } from '../scheduling/repository';
import { STATE_TIME_ZONES, dayIn } from '../scheduling/states';
import { findVisitType } from '../scheduling/visit-types';
import { consentStatusOf, type ConsentStatus } from './consent';

type Executor = Kysely<Database>;

export type CheckIn = {
	appointmentId: string;
	/** Where the patient is right now (two letters) and whether at home or at a health-care facility. */
	locationState: string;
	locationSetting: LocationSetting;
	callbackPhone: string;
	language: string;
	accommodations: Accommodations;
	licensure: { allowed: true } | { allowed: false; reason: PracticeRefusal };
	submittedAt: Date;
};

export type CheckInInput = {
	locationState: string;
	locationSetting: LocationSetting;
	callbackPhone: string;
	language: string;
	accommodations: Pick<
		Accommodations,
		'interpreterLanguage' | 'aslInterpreter' | 'captions' | 'caregiverJoins'
	>;
};

export type CheckInWindow = 'early' | 'open' | 'closed';

export async function readCheckIn(
	db: Executor,
	phi: PhiCipher,
	appointmentId: string
): Promise<CheckIn | null> {
	const row = await db
		.selectFrom('check_ins')
		.selectAll()
		.where('appointment_id', '=', appointmentId)
		.executeTakeFirst();
	if (!row) return null;
	const key = await phi.dataKey(db, row.data_key_id);
	return {
		appointmentId: row.appointment_id,
		locationState: row.location_state,
		locationSetting: row.location_setting,
		callbackPhone: phi.open(key, 'check_ins.callback_phone', row.appointment_id, row.callback_phone_enc),
		language: row.language,
		accommodations: JSON.parse(
			phi.open(key, 'check_ins.accommodations', row.appointment_id, row.accommodations_enc)
		) as Accommodations,
		licensure: row.licensure_allowed
			? { allowed: true }
			: { allowed: false, reason: row.licensure_reason as PracticeRefusal },
		submittedAt: row.submitted_at
	};
}

/** Check-in opens the clinic's configured time before the visit and closes when the visit ends. */
function windowOf(
	appointment: Appointment,
	opensMinutes: number,
	now: Date
): { state: CheckInWindow; opensAt: Date } {
	const opensAt = new Date(appointment.start.getTime() - opensMinutes * 60_000);
	const open = appointment.status === 'booked' || appointment.status === 'confirmed';
	if (!open || now >= appointment.end) return { state: 'closed', opensAt };
	return { state: now < opensAt ? 'early' : 'open', opensAt };
}

export type CheckInView = {
	appointment: Appointment;
	window: CheckInWindow;
	opensAt: Date;
	checkIn: CheckIn | null;
	consent: ConsentStatus;
	/** What the form starts with: the last check-in, else the patient's record. */
	defaults: CheckInInput;
};

function defaultsFrom(patient: Patient, appointment: Appointment, checkIn: CheckIn | null): CheckInInput {
	if (checkIn) return { ...checkIn, accommodations: checkIn.accommodations };
	const a = patient.accommodations;
	return {
		locationState: appointment.patientState,
		locationSetting: 'home',
		callbackPhone: patient.phone ?? '',
		language: patient.preferredLanguage,
		accommodations: {
			...(a.interpreterLanguage ? { interpreterLanguage: a.interpreterLanguage } : {}),
			...(a.aslInterpreter ? { aslInterpreter: true } : {}),
			...(a.captions ? { captions: true } : {}),
			...(a.caregiverJoins ? { caregiverJoins: true } : {})
		}
	};
}

/** The check-in of a visit as its patient (or staff of the clinic) sees it. Reading it is audited. */
export async function checkInFor(ctx: ServiceContext, appointmentId: string): Promise<CheckInView> {
	const appointment = await getAppointment(ctx, appointmentId);
	const organization = await readOrganization(ctx.db, appointment.organizationId);
	const now = ctx.clock.now();
	const { state, opensAt } = windowOf(appointment, organization.checkInOpensMinutes, now);
	const checkIn = await readCheckIn(ctx.db, ctx.phi, appointmentId);
	const patient = (await readPatient(ctx.db, ctx.phi, appointment.patientId))!;
	const consent = await consentStatusOf(ctx.db, ctx.phi, appointment.patientId, 'telehealth', now);
	await ctx.audit.record({
		action: 'checkin.read',
		resourceType: 'appointment',
		resourceId: appointmentId,
		organizationId: appointment.organizationId
	});
	return {
		appointment,
		window: state,
		opensAt,
		checkIn,
		consent: consent.status,
		defaults: defaultsFrom(patient, appointment, checkIn)
	};
}

/**
 * The patient checks in: where they are now, a callback number, language and accommodations. The
 * licensure gate runs again on the place attested (practice happens where the patient is at the time
 * of the visit, DOMAIN.md Licensure); a refusal is saved with its reason for the patient to read and
 * the clinic to act on (the schedule shows it), never a silent block. Checking in again replaces it.
 */
export async function submitCheckIn(
	ctx: ServiceContext,
	appointmentId: string,
	input: CheckInInput
): Promise<CheckIn> {
	const attempt = { action: 'checkin.submit', resourceType: 'appointment', resourceId: appointmentId };
	if (ctx.actor.kind !== 'patient') {
		// Staff may check a patient in on the phone with them (front desk).
		await requirePermission(ctx, 'appointment.book', attempt);
	}
	const appointment = await getAppointment(ctx, appointmentId);
	const organization = await readOrganization(ctx.db, appointment.organizationId);
	const now = ctx.clock.now();
	if (windowOf(appointment, organization.checkInOpensMinutes, now).state !== 'open')
		throw new AppError('CHECK_IN_CLOSED');
	if (!Object.hasOwn(STATE_TIME_ZONES, input.locationState))
		throw validationFailed([{ field: 'locationState', key: 'errors:field.state' }]);
	const phone = parseContact(input.callbackPhone);
	if (phone?.kind !== 'phone')
		throw validationFailed([{ field: 'callbackPhone', key: 'errors:field.phone' }]);

	const visitType = (await findVisitType(ctx.db, appointment.organizationId, appointment.visitTypeId))!;
	const answer = await checkPractice(ctx, {
		clinicianId: appointment.clinicianId,
		state: input.locationState,
		date: dayIn(appointment.start, STATE_TIME_ZONES[input.locationState]!),
		modality: appointment.modality,
		service: visitType.service
	});
	const accommodations: Accommodations = {
		...(input.accommodations.interpreterLanguage
			? { interpreterLanguage: input.accommodations.interpreterLanguage }
			: {}),
		...(input.accommodations.aslInterpreter ? { aslInterpreter: true } : {}),
		...(input.accommodations.captions ? { captions: true } : {}),
		...(input.accommodations.caregiverJoins ? { caregiverJoins: true } : {})
	};
	await ctx.db.transaction().execute(async (tx) => {
		const existing = await tx
			.selectFrom('check_ins')
			.select(['data_key_id', 'submitted_at'])
			.where('appointment_id', '=', appointmentId)
			.executeTakeFirst();
		const key = existing ? await ctx.phi.dataKey(tx, existing.data_key_id) : await ctx.phi.newDataKey(tx);
		const values = {
			location_state: input.locationState,
			location_setting: input.locationSetting,
			callback_phone_enc: ctx.phi.seal(key, 'check_ins.callback_phone', appointmentId, phone.value),
			language: input.language,
			accommodations_enc: ctx.phi.seal(
				key,
				'check_ins.accommodations',
				appointmentId,
				JSON.stringify(accommodations)
			),
			licensure_allowed: answer.allowed,
			licensure_reason: answer.allowed ? null : answer.reason,
			updated_at: now
		};
		await tx
			.insertInto('check_ins')
			.values({
				...values,
				appointment_id: appointmentId,
				patient_id: appointment.patientId,
				data_key_id: key.id,
				submitted_at: now
			})
			.onConflict((oc) => oc.column('appointment_id').doUpdateSet(values))
			.execute();
		await ctx.audit.record(
			{
				...attempt,
				organizationId: appointment.organizationId,
				details: {
					setting: input.locationSetting,
					licensed: answer.allowed,
					...(answer.allowed ? {} : { reason: answer.reason })
				}
			},
			tx
		);
	});
	return (await readCheckIn(ctx.db, ctx.phi, appointmentId))!;
}
