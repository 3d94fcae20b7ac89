import { sql, type Kysely } from 'kysely';
import { readCompactMemberships, readLicences } from '../licensure/repository';
import { mayPractise } from '../licensure/rules';
import type { Database, Modality } from '../platform/schema';
import { busyTimes, openWindows, type Busy } from './availability';
import { STATE_TIME_ZONES, dayIn } from './states';
import { listVisitTypes, type VisitType } from './visit-types';

type Executor = Kysely<Database>;

export type SlotQuery = {
	organizationId: string;
	/** Where the patient will be during the visit (two-letter code). */
	patientState: string;
	/** First and last calendar day searched, in the patient's location. */
	from: string;
	to: string;
	visitType?: VisitType | undefined;
	modality?: Modality | undefined;
	language?: string | undefined;
	clinicianId?: string | undefined;
	now: Date;
	limit: number;
};

export type Slot = {
	id: string;
	clinicianId: string;
	clinicianName: string;
	start: Date;
	end: Date;
	visitType: VisitType;
	modalities: Modality[];
	languages: string[];
};

/** Slot ids are opaque to clients but need no table: clinician, visit type and start, encoded. */
export function slotId(clinicianId: string, visitTypeId: string, start: Date): string {
	return Buffer.from(`${clinicianId}|${visitTypeId}|${start.toISOString()}`).toString('base64url');
}

export function parseSlotId(id: string): { clinicianId: string; visitTypeId: string; start: Date } | null {
	const parts = Buffer.from(id, 'base64url').toString('utf8').split('|');
	const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
	if (parts.length !== 3 || !uuid.test(parts[0]!) || !uuid.test(parts[1]!)) return null;
	const start = new Date(parts[2]!);
	return Number.isNaN(start.getTime()) ? null : { clinicianId: parts[0]!, visitTypeId: parts[1]!, start };
}

/** The instants where the patient's first day begins and the day after their last day begins. */
async function dayRange(db: Executor, from: string, to: string, timeZone: string) {
	const { rows } = await sql<{ start: Date; end: Date }>`
		select (${from}::date)::timestamp at time zone ${timeZone} as start,
			(${to}::date + 1)::timestamp at time zone ${timeZone} as end
	`.execute(db);
	return { start: new Date(rows[0]!.start), end: new Date(rows[0]!.end) };
}

function overlapsBusy(busy: Busy[], start: Date, end: Date): boolean {
	return busy.some((b) => b.start < end && start < b.end);
}

/**
 * Free slots from clinicians licensed where the patient will be, on the visit's date (licensure is
 * checked per slot and modality: a telehealth registration, for one, does not cover in-person care).
 * Sorted by start, then clinician.
 */
export async function findSlots(db: Executor, q: SlotQuery): Promise<Slot[]> {
	const timeZone = STATE_TIME_ZONES[q.patientState]!;
	const range = await dayRange(db, q.from, q.to, timeZone);
	const from = range.start < q.now ? q.now : range.start;
	if (from >= range.end) return [];

	const visitTypes = q.visitType ? [q.visitType] : await listVisitTypes(db, q.organizationId);
	if (visitTypes.length === 0) return [];
	let clinicians = db
		.selectFrom('staff as s')
		.innerJoin('clinician_visit_types as cv', 'cv.staff_id', 's.id')
		.select(['s.id', 's.display_name', 's.languages', 'cv.visit_type_id'])
		.where('s.organization_id', '=', q.organizationId)
		.where('s.active', '=', true)
		.where(
			'cv.visit_type_id',
			'in',
			visitTypes.map((v) => v.id)
		);
	if (q.language) clinicians = clinicians.where(sql<boolean>`${q.language} = any(s.languages)`);
	if (q.clinicianId) clinicians = clinicians.where('s.id', '=', q.clinicianId);
	const offers = await clinicians.execute();
	const staffIds = [...new Set(offers.map((o) => o.id))];

	const [windows, busy, licences, memberships] = await Promise.all([
		openWindows(db, staffIds, from, range.end),
		busyTimes(db, staffIds, from, range.end),
		readLicences(db, staffIds),
		readCompactMemberships(db)
	]);
	const licensed = new Map<string, boolean>();
	const mayPractiseOn = (staffId: string, day: string, modality: Modality, vt: VisitType) => {
		const key = `${staffId}|${day}|${modality}|${vt.service}`;
		let answer = licensed.get(key);
		if (answer === undefined) {
			answer = mayPractise(
				licences.get(staffId) ?? [],
				{ state: q.patientState, date: day, modality, service: vt.service },
				memberships
			).allowed;
			licensed.set(key, answer);
		}
		return answer;
	};

	const windowsOf = new Map<string, typeof windows>();
	for (const w of windows) {
		const list = windowsOf.get(w.staffId);
		if (list) list.push(w);
		else windowsOf.set(w.staffId, [w]);
	}
	const slots: Slot[] = [];
	for (const offer of offers) {
		const vt = visitTypes.find((v) => v.id === offer.visit_type_id)!;
		const step = (vt.durationMinutes + vt.bufferMinutes) * 60_000;
		const clinicianBusy = busy.filter((b) => b.staffId === offer.id);
		for (const w of windowsOf.get(offer.id) ?? []) {
			const offered = w.modalities.filter(
				(m) => vt.modalities.includes(m) && (!q.modality || m === q.modality)
			);
			if (offered.length === 0) continue;
			for (let t = w.start.getTime(); t + step <= w.end.getTime(); t += step) {
				const start = new Date(t);
				if (start < from) continue;
				const end = new Date(t + vt.durationMinutes * 60_000);
				if (overlapsBusy(clinicianBusy, start, new Date(t + step))) continue;
				const day = dayIn(start, timeZone);
				const modalities = offered.filter((m) => mayPractiseOn(offer.id, day, m, vt));
				if (modalities.length === 0) continue;
				slots.push({
					id: slotId(offer.id, vt.id, start),
					clinicianId: offer.id,
					clinicianName: offer.display_name,
					start,
					end,
					visitType: vt,
					modalities,
					languages: offer.languages
				});
			}
		}
	}
	slots.sort((a, b) => a.start.getTime() - b.start.getTime() || a.clinicianId.localeCompare(b.clinicianId));
	return slots.slice(0, q.limit);
}
