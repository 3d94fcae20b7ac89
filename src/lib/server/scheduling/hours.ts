import { sql } from 'kysely';
import { holds, requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import { AppError, validationFailed, type FieldIssue } from '../platform/errors';
import { MODALITIES, type Modality } from '../platform/schema';
import { LANGUAGE_CODES } from '../../i18n/languages';
import { listVisitTypes } from './visit-types';

export type WeeklyBlock = {
	id: string;
	/** ISO weekday, 1 = Monday. */
	weekday: number;
	/** Wall-clock 'HH:MM' in the clinician's zone. */
	start: string;
	end: string;
	modalities: Modality[];
	validFrom: string;
	validUntil: string | null;
};

export type HoursException = {
	id: string;
	kind: 'unavailable' | 'available';
	start: string;
	end: string;
	modalities: Modality[] | null;
	reason: string | null;
	/** Booked visits inside a time off: staff must move them. */
	bookedInside: number;
};

export type ClinicianHours = {
	clinicianId: string;
	name: string;
	timeZone: string;
	languages: string[];
	visitTypes: { id: string; code: string; offered: boolean }[];
	weekly: WeeklyBlock[];
	exceptions: HoursException[];
};

/**
 * Who may change a clinician's hours: schedulers and admins of the clinic for anyone, and each
 * clinician for their own. Anyone else is refused (audited); a clinician of another clinic is not found.
 */
async function clinicianInReach(ctx: ServiceContext, clinicianId: string, action: string) {
	const { actor } = ctx;
	const own = actor.kind === 'staff' && actor.id === clinicianId;
	const staff = own
		? actor
		: await requirePermission(ctx, 'schedule.manage', {
				action,
				resourceType: 'staff',
				resourceId: clinicianId
			});
	if (staff.kind !== 'staff') throw new AppError('UNAUTHORIZED');
	const clinician = await ctx.db
		.selectFrom('staff')
		.select(['id', 'display_name', 'time_zone', 'languages', 'organization_id'])
		.where('id', '=', clinicianId)
		.where('organization_id', '=', staff.organizationId)
		.executeTakeFirst();
	if (!clinician) throw new AppError('NOT_FOUND');
	return clinician;
}

/** The clinicians whose hours the actor may manage: everyone for schedulers and admins, else themself. */
export async function manageableClinicians(ctx: ServiceContext): Promise<{ id: string; name: string }[]> {
	const { actor } = ctx;
	if (actor.kind !== 'staff') throw new AppError('UNAUTHORIZED');
	const self = actor.id;
	const manager = holds(actor, 'schedule.manage');
	const rows = await ctx.db
		.selectFrom('staff')
		.select(['id', 'display_name', 'roles'])
		.where('organization_id', '=', actor.organizationId)
		.where('active', '=', true)
		.orderBy('display_name')
		.execute();
	return rows
		.filter((r) => r.roles.includes('clinician') || r.roles.includes('nurse'))
		.filter((r) => manager || r.id === self)
		.map((r) => ({ id: r.id, name: r.display_name }));
}

/** A clinician's weekly hours, upcoming exceptions, languages and the visit types they offer. */
export async function clinicianHours(ctx: ServiceContext, clinicianId: string): Promise<ClinicianHours> {
	const clinician = await clinicianInReach(ctx, clinicianId, 'hours.read');
	const weekly = await ctx.db
		.selectFrom('availability_templates')
		.selectAll()
		.where('staff_id', '=', clinicianId)
		.orderBy('weekday')
		.orderBy('start_time')
		.execute();
	const exceptions = await sql<{
		id: string;
		kind: 'unavailable' | 'available';
		starts_at: Date;
		ends_at: Date;
		modalities: Modality[] | null;
		reason: string | null;
		booked_inside: string;
	}>`
		select e.id, e.kind, e.starts_at, e.ends_at, e.modalities, e.reason,
			(select count(*) from appointments a
				where a.clinician_id = e.staff_id and a.status in ('booked', 'confirmed')
					and e.kind = 'unavailable'
					and tstzrange(a.starts_at, a.ends_at) && tstzrange(e.starts_at, e.ends_at)) as booked_inside
		from availability_exceptions e
		where e.staff_id = ${clinicianId} and e.ends_at > ${ctx.clock.now().toISOString()}::timestamptz
		order by e.starts_at`.execute(ctx.db);
	const offered = new Set(
		(
			await ctx.db
				.selectFrom('clinician_visit_types')
				.select('visit_type_id')
				.where('staff_id', '=', clinicianId)
				.execute()
		).map((r) => r.visit_type_id)
	);
	const visitTypes = await listVisitTypes(ctx.db, clinician.organization_id);
	return {
		clinicianId,
		name: clinician.display_name,
		timeZone: clinician.time_zone,
		languages: clinician.languages,
		visitTypes: visitTypes.map((v) => ({ id: v.id, code: v.code, offered: offered.has(v.id) })),
		weekly: weekly.map((w) => ({
			id: w.id,
			weekday: w.weekday,
			start: w.start_time.slice(0, 5),
			end: w.end_time.slice(0, 5),
			modalities: w.modalities,
			validFrom: w.valid_from,
			validUntil: w.valid_until
		})),
		exceptions: exceptions.rows.map((e) => ({
			id: e.id,
			kind: e.kind,
			start: new Date(e.starts_at).toISOString(),
			end: new Date(e.ends_at).toISOString(),
			modalities: e.modalities,
			reason: e.reason,
			bookedInside: Number(e.booked_inside)
		}))
	};
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const isDay = (s: string) =>
	/^\d{4}-\d{2}-\d{2}$/.test(s) &&
	!Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
	new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

function modalityProblems(modalities: string[], field = 'modalities'): FieldIssue[] {
	return modalities.length === 0 || modalities.some((m) => !(MODALITIES as readonly string[]).includes(m))
		? [{ field, key: 'errors:field.modality' }]
		: [];
}

export type WeeklyBlockInput = {
	weekday: number;
	start: string;
	end: string;
	modalities: string[];
	validFrom?: string | undefined;
	validUntil?: string | undefined;
};

/** Adds weekly hours. A block may not overlap another on the same weekday while both apply. */
export async function addWeeklyHours(
	ctx: ServiceContext,
	clinicianId: string,
	input: WeeklyBlockInput
): Promise<{ id: string }> {
	const clinician = await clinicianInReach(ctx, clinicianId, 'hours.weekly.add');
	const problems: FieldIssue[] = [];
	if (!Number.isInteger(input.weekday) || input.weekday < 1 || input.weekday > 7)
		problems.push({ field: 'weekday', key: 'errors:field.invalid' });
	if (!TIME.test(input.start)) problems.push({ field: 'start', key: 'errors:hours.time' });
	if (!TIME.test(input.end)) problems.push({ field: 'end', key: 'errors:hours.time' });
	else if (TIME.test(input.start) && input.end <= input.start)
		problems.push({ field: 'end', key: 'errors:hours.end_before_start' });
	problems.push(...modalityProblems(input.modalities));
	const today = new Intl.DateTimeFormat('en-CA', { timeZone: clinician.time_zone }).format(ctx.clock.now());
	const validFrom = input.validFrom || today;
	if (!isDay(validFrom)) problems.push({ field: 'validFrom', key: 'errors:field.day' });
	if (input.validUntil && (!isDay(input.validUntil) || input.validUntil < validFrom))
		problems.push({ field: 'validUntil', key: 'errors:field.day_range' });
	if (problems.length) throw validationFailed(problems);

	return ctx.db.transaction().execute(async (tx) => {
		const overlapping = await tx
			.selectFrom('availability_templates')
			.select('id')
			.where('staff_id', '=', clinicianId)
			.where('weekday', '=', input.weekday)
			.where('start_time', '<', `${input.end}:00`)
			.where('end_time', '>', `${input.start}:00`)
			.where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>=', validFrom)]))
			.$if(Boolean(input.validUntil), (q) => q.where('valid_from', '<=', input.validUntil!))
			.forUpdate()
			.executeTakeFirst();
		if (overlapping) throw new AppError('CONFLICT', {}, [{ field: 'start', key: 'errors:hours.overlap' }]);
		const { id } = await tx
			.insertInto('availability_templates')
			.values({
				staff_id: clinicianId,
				weekday: input.weekday,
				start_time: `${input.start}:00`,
				end_time: `${input.end}:00`,
				modalities: input.modalities as Modality[],
				valid_from: validFrom,
				valid_until: input.validUntil || null
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await ctx.audit.record(
			{
				action: 'hours.weekly.add',
				resourceType: 'staff',
				resourceId: clinicianId,
				details: { weekday: input.weekday, start: input.start, end: input.end }
			},
			tx
		);
		return { id };
	});
}

/** Removes a weekly block (visits already booked in it stay booked). */
export async function removeWeeklyHours(
	ctx: ServiceContext,
	clinicianId: string,
	blockId: string
): Promise<void> {
	await clinicianInReach(ctx, clinicianId, 'hours.weekly.remove');
	await ctx.db.transaction().execute(async (tx) => {
		const removed = await tx
			.deleteFrom('availability_templates')
			.where('id', '=', blockId)
			.where('staff_id', '=', clinicianId)
			.returning('id')
			.executeTakeFirst();
		if (!removed) throw new AppError('NOT_FOUND');
		await ctx.audit.record(
			{ action: 'hours.weekly.remove', resourceType: 'staff', resourceId: clinicianId },
			tx
		);
	});
}

export type ExceptionInput = {
	kind: string;
	/** Wall-clock day and times in the clinician's zone. */
	date: string;
	start: string;
	end: string;
	modalities?: string[] | undefined;
	reason?: string | undefined;
};

/**
 * Adds time off ("unavailable") or extra hours ("available") on one day, in the clinician's own zone.
 * Time off does not cancel visits already booked in it: it answers how many there are, for staff to move.
 */
export async function addException(
	ctx: ServiceContext,
	clinicianId: string,
	input: ExceptionInput
): Promise<{ id: string; bookedInside: number }> {
	const clinician = await clinicianInReach(ctx, clinicianId, 'hours.exception.add');
	const problems: FieldIssue[] = [];
	if (input.kind !== 'unavailable' && input.kind !== 'available')
		problems.push({ field: 'kind', key: 'errors:field.invalid' });
	if (!isDay(input.date)) problems.push({ field: 'date', key: 'errors:field.day' });
	if (!TIME.test(input.start)) problems.push({ field: 'start', key: 'errors:hours.time' });
	if (!TIME.test(input.end)) problems.push({ field: 'end', key: 'errors:hours.time' });
	else if (TIME.test(input.start) && input.end <= input.start)
		problems.push({ field: 'end', key: 'errors:hours.end_before_start' });
	if (input.kind === 'available') problems.push(...modalityProblems(input.modalities ?? []));
	if (input.reason && (input.reason.length > 120 || /[<>]/.test(input.reason)))
		problems.push({ field: 'reason', key: 'errors:field.too_long' });
	if (problems.length) throw validationFailed(problems);

	return ctx.db.transaction().execute(async (tx) => {
		// The wall-clock times become instants with the zone's rules for that day (daylight saving).
		const { starts_at, ends_at } = (
			await sql<{ starts_at: Date; ends_at: Date }>`
				select (${input.date}::date + ${input.start}::time) at time zone ${clinician.time_zone} as starts_at,
					(${input.date}::date + ${input.end}::time) at time zone ${clinician.time_zone} as ends_at`.execute(tx)
		).rows[0]!;
		const startsAt = new Date(starts_at);
		if (new Date(ends_at) <= ctx.clock.now()) {
			throw validationFailed([{ field: 'date', key: 'errors:field.in_the_past' }]);
		}
		const { id } = await tx
			.insertInto('availability_exceptions')
			.values({
				staff_id: clinicianId,
				kind: input.kind as 'unavailable' | 'available',
				starts_at: startsAt,
				ends_at: new Date(ends_at),
				modalities: input.kind === 'available' ? (input.modalities as Modality[]) : null,
				reason: input.reason || null
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const inside =
			input.kind === 'unavailable'
				? await tx
						.selectFrom('appointments')
						.select(tx.fn.countAll<string>().as('n'))
						.where('clinician_id', '=', clinicianId)
						.where('status', 'in', ['booked', 'confirmed'])
						.where('starts_at', '<', new Date(ends_at))
						.where('ends_at', '>', startsAt)
						.executeTakeFirstOrThrow()
				: { n: '0' };
		await ctx.audit.record(
			{
				action: 'hours.exception.add',
				resourceType: 'staff',
				resourceId: clinicianId,
				details: { kind: input.kind, date: input.date, bookedInside: Number(inside.n) }
			},
			tx
		);
		return { id, bookedInside: Number(inside.n) };
	});
}

export async function removeException(
	ctx: ServiceContext,
	clinicianId: string,
	exceptionId: string
): Promise<void> {
	await clinicianInReach(ctx, clinicianId, 'hours.exception.remove');
	await ctx.db.transaction().execute(async (tx) => {
		const removed = await tx
			.deleteFrom('availability_exceptions')
			.where('id', '=', exceptionId)
			.where('staff_id', '=', clinicianId)
			.returning('id')
			.executeTakeFirst();
		if (!removed) throw new AppError('NOT_FOUND');
		await ctx.audit.record(
			{ action: 'hours.exception.remove', resourceType: 'staff', resourceId: clinicianId },
			tx
		);
	});
}

/** Sets the languages a clinician speaks and the visit types they offer (slot search reads both). */
export async function saveOfferings(
	ctx: ServiceContext,
	clinicianId: string,
	input: { languages: string[]; visitTypeIds: string[] }
): Promise<void> {
	const clinician = await clinicianInReach(ctx, clinicianId, 'hours.offerings.save');
	const problems: FieldIssue[] = [];
	if (input.languages.length === 0 || input.languages.some((l) => !LANGUAGE_CODES.includes(l)))
		problems.push({ field: 'languages', key: 'errors:field.language' });
	const known = new Set((await listVisitTypes(ctx.db, clinician.organization_id)).map((v) => v.id));
	if (input.visitTypeIds.some((id) => !known.has(id)))
		problems.push({ field: 'visitTypeIds', key: 'errors:field.visit_type' });
	if (problems.length) throw validationFailed(problems);
	await ctx.db.transaction().execute(async (tx) => {
		await tx
			.updateTable('staff')
			.set({ languages: [...new Set(input.languages)] })
			.where('id', '=', clinicianId)
			.execute();
		await tx.deleteFrom('clinician_visit_types').where('staff_id', '=', clinicianId).execute();
		if (input.visitTypeIds.length) {
			await tx
				.insertInto('clinician_visit_types')
				.values(
					[...new Set(input.visitTypeIds)].map((visit_type_id) => ({ staff_id: clinicianId, visit_type_id }))
				)
				.execute();
		}
		await ctx.audit.record(
			{
				action: 'hours.offerings.save',
				resourceType: 'staff',
				resourceId: clinicianId,
				details: { languages: input.languages.join(','), visitTypes: input.visitTypeIds.length }
			},
			tx
		);
	});
}
