import { randomBytes } from 'node:crypto';
import { syncCompactMemberships } from '$lib/server/licensure/repository';
import { insertPatient } from '$lib/server/patients/repository';
import { createAuditor } from '$lib/server/platform/audit/audit';
import { fixedClock } from '$lib/server/platform/clock';
import type { ServiceContext } from '$lib/server/platform/context';
import { createKeyring } from '$lib/server/platform/crypto/keyring';
import { createPhiCipher } from '$lib/server/platform/crypto/phi';
import { openDatabase } from '$lib/server/platform/db';
import { createLogger } from '$lib/server/platform/logger';
import { migrateToLatest } from '$lib/server/platform/migrate';
import { bookAppointment } from '$lib/server/scheduling/booking';
import { findSlots } from '$lib/server/scheduling/slots';
import { findVisitType } from '$lib/server/scheduling/visit-types';

// `npm run bench` runs this: slot search over 30 days for 200 clinicians with realistic weekly hours
// (p50 and p95), and 100 concurrent clients racing for 10 slots (exactly 10 bookings, every other
// answer a 409), on PGlite and, when BENCH_DATABASE_URL is set, on PostgreSQL. Prints JSON.
const CLINICIANS = 200;
const SEARCHES = Number(process.env.BENCH_SLOT_SEARCHES ?? 20);
const RACERS = 100;
const SLOTS = 10;

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

async function measure(kind: 'pglite' | 'postgres') {
	const handle =
		kind === 'pglite'
			? await openDatabase({ memory: true })
			: await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL, poolSize: 10 });
	try {
		const db = handle.db;
		await migrateToLatest(db);
		await syncCompactMemberships(db);
		const run = randomBytes(4).toString('hex');
		const phi = createPhiCipher(createKeyring([randomBytes(32)], randomBytes(32)));
		const now = new Date('2026-11-30T12:00:00Z');
		const org = await db
			.insertInto('organizations')
			.values({ name: `Bench ${run}`, time_zone: 'America/Chicago' })
			.returning('id')
			.executeTakeFirstOrThrow();
		const vt = await db
			.insertInto('visit_types')
			.values({
				organization_id: org.id,
				code: 'follow-up',
				service: 'medical',
				duration_minutes: 20,
				buffer_minutes: 10,
				modalities: ['video', 'audio', 'phone']
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const clinicianIds: string[] = [];
		for (let i = 0; i < CLINICIANS; i++) {
			const zone = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'][i % 4]!;
			const staff = await db
				.insertInto('staff')
				.values({
					organization_id: org.id,
					email: `bench-${run}-${i}@example.org`,
					display_name: `Clinician ${i}`,
					roles: ['clinician'],
					languages: i % 3 === 0 ? ['en', 'es'] : ['en'],
					time_zone: zone
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			clinicianIds.push(staff.id);
			await db
				.insertInto('clinician_visit_types')
				.values({ staff_id: staff.id, visit_type_id: vt.id })
				.execute();
			await db
				.insertInto('licenses')
				.values(
					['TX', 'CO', 'WI', 'MN', 'IL'].slice(0, 1 + (i % 5)).map((state) => ({
						staff_id: staff.id,
						state,
						credential: 'MD',
						number: `${run}-${i}-${state}`,
						status: 'active' as const,
						pathway: 'state' as const,
						issued_on: '2020-01-01',
						expires_on: i % 10 === 0 ? '2026-12-15' : '2030-12-31'
					}))
				)
				.execute();
			for (const weekday of [1, 2, 3, 4, 5]) {
				for (const [from, until] of [
					['08:00', '12:00'],
					['13:00', '17:00']
				]) {
					await db
						.insertInto('availability_templates')
						.values({
							staff_id: staff.id,
							weekday,
							start_time: from!,
							end_time: until!,
							modalities: ['video', 'audio', 'phone'],
							valid_from: '2026-01-01'
						})
						.execute();
				}
			}
		}
		const visitType = (await findVisitType(db, org.id, 'follow-up'))!;

		const timings: number[] = [];
		let slotsFound = 0;
		for (let i = 0; i < SEARCHES; i++) {
			const started = performance.now();
			const slots = await findSlots(db, {
				organizationId: org.id,
				patientState: 'TX',
				from: '2026-12-01',
				to: '2026-12-30',
				visitType,
				now,
				limit: 1_000_000
			});
			timings.push(performance.now() - started);
			slotsFound = slots.length;
		}

		// The race: 100 patients, 10 per slot, all at once.
		const patientIds: string[] = [];
		for (let i = 0; i < RACERS; i++) {
			patientIds.push(
				await db.transaction().execute((tx) =>
					insertPatient(tx, phi, {
						organizationId: org.id,
						givenName: 'Bench',
						familyName: `Patient ${i}`,
						birthDate: '1970-01-01',
						phone: null,
						phoneKind: null,
						email: `bench-${run}-${i}@example.org`,
						preferredLanguage: 'en',
						contactChannel: 'email',
						homeState: 'TX',
						timeZone: 'America/Chicago',
						accommodations: {}
					})
				)
			);
		}
		// The first ten free slots of one clinician licensed in Texas, each wanted by ten patients.
		const free = await findSlots(db, {
			organizationId: org.id,
			patientState: 'TX',
			from: '2026-12-02',
			to: '2026-12-02',
			visitType,
			clinicianId: clinicianIds[1],
			now,
			limit: SLOTS
		});
		const RACE_STARTS = free.map((slot) => slot.start);
		const clock = fixedClock(now);
		const logger = createLogger({ level: 'silent' });
		const outcomes = await Promise.all(
			patientIds.map((patientId, i) => {
				const actor = {
					kind: 'staff' as const,
					id: clinicianIds[0]!,
					organizationId: org.id,
					roles: ['scheduler']
				};
				const ctx: ServiceContext = {
					db,
					clock,
					actor,
					phi,
					logger,
					audit: createAuditor({
						db,
						actor,
						origin: { ip: null, userAgent: null, requestId: null },
						now: () => clock.now()
					})
				};
				const start = RACE_STARTS[i % SLOTS]!;
				return bookAppointment(
					ctx,
					{
						patientId,
						clinicianId: clinicianIds[1],
						visitType: 'follow-up',
						modality: 'video',
						patientState: 'TX',
						start: start.toISOString()
					},
					{ idempotencyKey: `bench-${run}-${i}` }
				).then(
					() => 'booked',
					(e: { code?: string }) =>
						e.code === 'SLOT_TAKEN' ? '409' : `error:${e.code ?? 'unknown'}:${start.toISOString()}`
				);
			})
		);
		return {
			database: kind,
			clinicians: CLINICIANS,
			days: 30,
			slotsFound,
			searchP50Ms: Math.round(percentile(timings, 50)),
			searchP95Ms: Math.round(percentile(timings, 95)),
			racers: RACERS,
			slots: SLOTS,
			booked: outcomes.filter((o) => o === 'booked').length,
			conflicts: outcomes.filter((o) => o === '409').length,
			otherErrors: outcomes.filter((o) => o.startsWith('error')).length,
			errorCodes: [...new Set(outcomes.filter((o) => o.startsWith('error')))]
		};
	} finally {
		await handle.close();
	}
}

const results = [await measure('pglite')];
if (process.env.BENCH_DATABASE_URL) results.push(await measure('postgres'));
process.stdout.write(JSON.stringify(results) + '\n');
