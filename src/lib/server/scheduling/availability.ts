import { sql, type Kysely } from 'kysely';
import type { Database, Modality } from '../platform/schema';

type Executor = Kysely<Database>;

/** A stretch of time a clinician is open for visits, with the modalities offered in it. */
export type Window = { staffId: string; start: Date; end: Date; modalities: Modality[] };

/** Busy time of a clinician: booked visits including their buffer. */
export type Busy = { staffId: string; start: Date; end: Date };

/**
 * The clinicians' open windows overlapping [from, to): weekly templates expanded day by day in each
 * clinician's own time zone (PostgreSQL's `at time zone` applies daylight-saving rules, so 9:00 stays
 * 9:00 across a change and a nonexistent 2:30 is moved as PostgreSQL defines), plus "available"
 * exceptions, minus "unavailable" ones.
 */
export async function openWindows(db: Executor, staffIds: string[], from: Date, to: Date): Promise<Window[]> {
	if (staffIds.length === 0) return [];
	const templates = await sql<{ staff_id: string; modalities: Modality[]; starts_at: Date; ends_at: Date }>`
		select t.staff_id, t.modalities,
			(d.day + t.start_time) at time zone s.time_zone as starts_at,
			(d.day + t.end_time) at time zone s.time_zone as ends_at
		from availability_templates t
		join staff s on s.id = t.staff_id
		cross join lateral (
			select g::date as day
			from generate_series(
				(${from.toISOString()}::timestamptz at time zone s.time_zone)::date - 1,
				(${to.toISOString()}::timestamptz at time zone s.time_zone)::date + 1,
				interval '1 day'
			) g
		) d
		where t.staff_id in (${sql.join(staffIds)})
			and extract(isodow from d.day) = t.weekday
			and d.day >= t.valid_from
			and (t.valid_until is null or d.day <= t.valid_until)
	`.execute(db);
	const exceptions = await db
		.selectFrom('availability_exceptions')
		.selectAll()
		.where('staff_id', 'in', staffIds)
		.where('starts_at', '<', to)
		.where('ends_at', '>', from)
		.execute();

	let windows: Window[] = templates.rows.map((r) => ({
		staffId: r.staff_id,
		start: new Date(r.starts_at),
		end: new Date(r.ends_at),
		modalities: r.modalities
	}));
	for (const e of exceptions.filter((x) => x.kind === 'available')) {
		windows.push({
			staffId: e.staff_id,
			start: e.starts_at,
			end: e.ends_at,
			modalities: e.modalities ?? ['video', 'audio', 'phone', 'in_person']
		});
	}
	for (const e of exceptions.filter((x) => x.kind === 'unavailable')) {
		windows = windows.flatMap((w) => (w.staffId === e.staff_id ? subtract(w, e.starts_at, e.ends_at) : [w]));
	}
	return windows
		.map((w) => ({ ...w, start: w.start < from ? from : w.start, end: w.end > to ? to : w.end }))
		.filter((w) => w.end > w.start)
		.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** What is left of a window once [start, end) is taken out of it. */
export function subtract(w: Window, start: Date, end: Date): Window[] {
	if (end <= w.start || start >= w.end) return [w];
	const parts: Window[] = [];
	if (start > w.start) parts.push({ ...w, end: start });
	if (end < w.end) parts.push({ ...w, start: end });
	return parts;
}

/** Booked (not cancelled) time of the clinicians overlapping [from, to), buffers included. */
export async function busyTimes(db: Executor, staffIds: string[], from: Date, to: Date): Promise<Busy[]> {
	if (staffIds.length === 0) return [];
	const rows = await db
		.selectFrom('appointments')
		.select(['clinician_id', 'starts_at', 'blocked_until'])
		.where('clinician_id', 'in', staffIds)
		.where('status', 'in', ['booked', 'confirmed'])
		.where('starts_at', '<', to)
		.where('blocked_until', '>', from)
		.execute();
	return rows.map((r) => ({ staffId: r.clinician_id, start: r.starts_at, end: r.blocked_until }));
}
