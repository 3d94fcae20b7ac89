import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { DEMO_PATIENTS, DEMO_STAFF, isDatabaseEmpty, seedDemoData } from '../../src/lib/server/demo/seed';
import { migrateToLatest, pendingMigrations } from '../../src/lib/server/platform/migrate';
import { checkReadiness } from '../../src/lib/server/platform/readiness';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';

describe.each(DATABASE_KINDS)('schema and demo data on %s', (kind) => {
	const database = useTestDatabase(kind, { keep: true });

	test('every migration is applied, a second run applies nothing, and the database is ready', async () => {
		expect(await pendingMigrations(database().db)).toEqual([]);
		expect(await migrateToLatest(database().db)).toEqual([]);
		expect(await checkReadiness(database().db)).toEqual({
			ready: true,
			database: 'up',
			pendingMigrations: []
		});
	});

	test('constraints refuse bad rows', async () => {
		const org = await database()
			.db.insertInto('organizations')
			.values({ name: 'Constraint Clinic', time_zone: 'America/Chicago' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await expect(
			database()
				.db.insertInto('staff')
				.values({
					organization_id: org.id,
					email: 'x@example.org',
					display_name: 'X',
					roles: ['surgeon' as 'admin'],
					time_zone: 'UTC'
				})
				.execute()
		).rejects.toThrow();
		await expect(
			database()
				.db.insertInto('patients')
				.values({
					organization_id: org.id,
					given_name: 'No',
					family_name: 'Contact',
					birth_date: '1990-01-01',
					phone: null,
					phone_kind: null,
					email: null,
					preferred_language: 'en',
					contact_channel: 'sms',
					home_state: 'TX',
					time_zone: 'America/Chicago',
					accommodations: '{}'
				})
				.execute()
		).rejects.toThrow();
		const count = await sql<{
			n: string;
		}>`select count(*) as n from staff where organization_id = ${org.id}`.execute(database().db);
		expect(Number(count.rows[0]?.n)).toBe(0);
	});

	test('demo data: one organization, staff in every role, an IMLC licensee, and our patients', async () => {
		await database().db.deleteFrom('organizations').where('name', '=', 'Constraint Clinic').execute();
		expect(await isDatabaseEmpty(database().db)).toBe(true);
		const result = await seedDemoData(database().db, new Date('2026-11-29T12:00:00Z'));
		expect(result).toEqual({ seeded: true, staff: DEMO_STAFF.length, patients: DEMO_PATIENTS.length });
		expect(await isDatabaseEmpty(database().db)).toBe(false);

		const roles = (await database().db.selectFrom('staff').select('roles').execute()).flatMap((r) => r.roles);
		expect(new Set(roles)).toEqual(new Set(['admin', 'clinician', 'nurse', 'scheduler', 'biller']));

		const licences = await database()
			.db.selectFrom('licenses')
			.innerJoin('staff', 'staff.id', 'licenses.staff_id')
			.select(['staff.email', 'licenses.state', 'licenses.pathway', 'licenses.expires_on'])
			.execute();
		const imlc = licences.filter((l) => l.pathway === 'imlc');
		expect(imlc.length).toBeGreaterThan(0);
		expect(new Set(imlc.map((l) => l.email)).size).toBe(1);
		const statesByClinician = new Map<string, Set<string>>();
		for (const l of licences)
			statesByClinician.set(l.email, (statesByClinician.get(l.email) ?? new Set()).add(l.state));
		expect(new Set(licences.map((l) => l.state)).size).toBeGreaterThanOrEqual(5);
		// A calendar day stays a calendar day (no time-zone shift).
		expect(licences[0]!.expires_on).toBe('2036-11-29');

		const patients = await database().db.selectFrom('patients').selectAll().execute();
		const languages = patients.map((p) => p.preferred_language);
		expect(languages).toEqual(expect.arrayContaining(['es', 'ar']));
		expect(patients.some((p) => p.phone_kind === 'landline' && p.contact_channel === 'voice')).toBe(true);
		expect(patients.some((p) => p.accommodations.aslInterpreter && p.accommodations.captions)).toBe(true);
		const caregivers = await database().db.selectFrom('patient_contacts').selectAll().execute();
		expect(caregivers).toEqual([
			expect.objectContaining({ relationship: 'daughter', may_join_visits: true })
		]);
		expect(patients.find((p) => p.given_name === 'Rosa')?.birth_date).toBe('1979-04-12');
	});

	test('seeding twice writes nothing the second time', async () => {
		const before = await database().db.selectFrom('patients').select('id').execute();
		expect(await seedDemoData(database().db, new Date())).toEqual({ seeded: false, staff: 0, patients: 0 });
		expect(await database().db.selectFrom('patients').select('id').execute()).toHaveLength(before.length);
	});
});
