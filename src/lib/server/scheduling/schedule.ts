import { requirePermission } from '../identity/policy';
import { readCompactMemberships, readLicences } from '../licensure/repository';
import { mayPractise, type PracticeAnswer } from '../licensure/rules';
import { readOrganization } from '../organizations/repository';
import { readPatient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import type { Accommodations, AppointmentStatus, LocationSetting, Modality } from '../platform/schema';
import { listAppointments } from './repository';
import { STATE_TIME_ZONES, dayIn } from './states';
import { listVisitTypes } from './visit-types';
import { listClinicians } from './queries';

export type ScheduleEntry = {
	id: string;
	start: string;
	end: string;
	clinicianId: string;
	clinicianName: string;
	patientId: string;
	patientName: string;
	patientLanguage: string;
	accommodations: Accommodations;
	visitType: string;
	modality: Modality;
	status: AppointmentStatus;
	/**
	 * Where the patient will be (as they attested at check-in, else as booked), and whether the
	 * clinician may see them there on that day now.
	 */
	patientState: string;
	licence: PracticeAnswer;
	/** The patient checked in (at home or at a health-care facility), or not yet. */
	checkedIn: { setting: LocationSetting } | null;
	/** Intake questionnaires sent, and whether one needs the clinician now (PHQ-9 item 9 above zero). */
	intake: { sent: number; alert: boolean };
	/** How the patient expects to join, from their device check: what they accepted, else what was recommended. */
	device: Modality | null;
};

export type Schedule = {
	/** The zone the days are cut in: the clinician's for one clinician, the clinic's otherwise. */
	timeZone: string;
	/** The first day shown, and the first days of the periods before and after. */
	from: string;
	previous: string;
	next: string;
	days: { date: string; entries: ScheduleEntry[] }[];
	clinicians: { id: string; name: string }[];
};

const DAY_MS = 86_400_000;

function addDays(day: string, n: number): string {
	return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The clinic's (or one clinician's) visits for a day or a week, day by day in the right zone, each with
 * what staff need to prepare: the patient's language and accommodations (interpreter, captions, ...),
 * the modality, and whether the licence still covers the patient's location on that date (a licence
 * can lapse after booking; DOMAIN.md, Licensure). Reading patients' names is a PHI read: audited.
 */
export async function clinicSchedule(
	ctx: ServiceContext,
	query: { from?: string | undefined; days: 1 | 7; clinicianId?: string | undefined }
): Promise<Schedule> {
	const staff = await requirePermission(ctx, 'appointment.read', {
		action: 'schedule.read',
		resourceType: 'appointment'
	});
	const organization = await readOrganization(ctx.db, staff.organizationId);
	const clinicianRows = await listClinicians(ctx);
	const clinician = query.clinicianId ? clinicianRows.find((c) => c.id === query.clinicianId) : undefined;
	if (query.clinicianId && !clinician) throw new AppError('NOT_FOUND');
	const timeZone = clinician?.timeZone ?? organization.timeZone;

	// Today in that zone when no day is asked for; a week runs Monday to Sunday (ISO 8601).
	const anchor = query.from ?? dayIn(ctx.clock.now(), timeZone);
	const weekday = (new Date(`${anchor}T00:00:00Z`).getUTCDay() + 6) % 7;
	const from = query.days === 7 ? addDays(anchor, -weekday) : anchor;
	const dates = Array.from({ length: query.days }, (_, i) => addDays(from, i));
	// A day in any zone lies within a day and a half of UTC midnight: fetch wide, then cut in the zone.
	const appointments = await listAppointments(ctx.db, {
		organizationId: staff.organizationId,
		...(clinician ? { clinicianId: clinician.id } : {}),
		from: new Date(Date.parse(`${from}T00:00:00Z`) - DAY_MS),
		to: new Date(Date.parse(`${addDays(from, query.days)}T00:00:00Z`) + DAY_MS),
		statuses: ['booked', 'confirmed', 'completed', 'no_show']
	});
	const inRange = appointments.filter((a) => dates.includes(dayIn(a.start, timeZone)));

	const visitTypes = new Map((await listVisitTypes(ctx.db, staff.organizationId)).map((v) => [v.id, v]));
	const licences = await readLicences(ctx.db, [...new Set(inRange.map((a) => a.clinicianId))]);
	const memberships = await readCompactMemberships(ctx.db);
	const patients = new Map<string, Awaited<ReturnType<typeof readPatient>>>();
	for (const id of new Set(inRange.map((a) => a.patientId)))
		patients.set(id, await readPatient(ctx.db, ctx.phi, id));

	const checkIns = new Map(
		(inRange.length
			? await ctx.db
					.selectFrom('check_ins')
					.select(['appointment_id', 'location_state', 'location_setting'])
					.where(
						'appointment_id',
						'in',
						inRange.map((a) => a.id)
					)
					.execute()
			: []
		).map((c) => [c.appointment_id, c])
	);

	const intake = inRange.length
		? await ctx.db
				.selectFrom('intake_responses')
				.select(['appointment_id', 'self_harm_alert'])
				.where(
					'appointment_id',
					'in',
					inRange.map((a) => a.id)
				)
				.execute()
		: [];

	const readiness = new Map(
		(inRange.length
			? await ctx.db
					.selectFrom('readiness_checks')
					.select(['appointment_id', 'recommendation', 'accepted'])
					.where(
						'appointment_id',
						'in',
						inRange.map((a) => a.id)
					)
					.execute()
			: []
		).map((r) => [r.appointment_id, r.accepted ?? r.recommendation])
	);

	const entries: ScheduleEntry[] = inRange.map((a) => {
		const patient = patients.get(a.patientId);
		const checkIn = checkIns.get(a.id);
		// Practice happens where the patient is at the time of the visit (DOMAIN.md, Licensure).
		const patientState = checkIn?.location_state ?? a.patientState;
		const stateZone = STATE_TIME_ZONES[patientState] ?? timeZone;
		return {
			id: a.id,
			start: a.start.toISOString(),
			end: a.end.toISOString(),
			clinicianId: a.clinicianId,
			clinicianName: a.clinicianName,
			patientId: a.patientId,
			patientName: patient ? `${patient.givenName} ${patient.familyName}` : '',
			patientLanguage: patient?.preferredLanguage ?? 'en',
			accommodations: patient?.accommodations ?? {},
			visitType: a.visitTypeCode,
			modality: a.modality,
			status: a.status,
			patientState,
			checkedIn: checkIn ? { setting: checkIn.location_setting } : null,
			device: readiness.get(a.id) ?? null,
			intake: {
				sent: intake.filter((r) => r.appointment_id === a.id).length,
				alert: intake.some((r) => r.appointment_id === a.id && r.self_harm_alert)
			},
			licence: mayPractise(
				licences.get(a.clinicianId) ?? [],
				{
					state: patientState,
					date: dayIn(a.start, stateZone),
					modality: a.modality,
					service: visitTypes.get(a.visitTypeId)?.service ?? 'medical'
				},
				memberships
			)
		};
	});
	await ctx.audit.record({
		action: 'schedule.read',
		resourceType: 'appointment',
		purpose: 'operations',
		details: { days: query.days, appointments: entries.length, patients: patients.size }
	});
	return {
		timeZone,
		from,
		previous: addDays(from, -query.days),
		next: addDays(from, query.days),
		days: dates.map((date) => ({
			date,
			entries: entries.filter((e) => dayIn(new Date(e.start), timeZone) === date)
		})),
		clinicians: clinicianRows.map((c) => ({ id: c.id, name: c.name }))
	};
}
