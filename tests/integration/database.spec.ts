import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { DEMO_PATIENTS, DEMO_STAFF, isDatabaseEmpty, seedDemoData } from '../../src/lib/server/demo/seed';
import { migrateToLatest, pendingMigrations } from '../../src/lib/server/platform/migrate';
import { checkReadiness } from '../../src/lib/server/platform/readiness';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { testPhiCipher } from '../helpers/context';
import {
	findPatientIdsByEmail,
	findPatientIdsByPhone,
	insertPatient,
	listContacts,
	readPatient
} from '../../src/lib/server/patients/repository';

describe.each(DATABASE_KINDS)('schema and demo data on %s', (kind) => {
	const phi = testPhiCipher();
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
		// A patient needs a phone or an email; the cipher's columns enforce it too.
		const phi = testPhiCipher();
		await expect(
			database()
				.db.transaction()
				.execute((tx) =>
					insertPatient(tx, phi, {
						organizationId: org.id,
						givenName: 'No',
						familyName: 'Contact',
						birthDate: '1990-01-01',
						phone: null,
						phoneKind: null,
						email: null,
						preferredLanguage: 'en',
						contactChannel: 'sms',
						homeState: 'TX',
						timeZone: 'America/Chicago',
						accommodations: {}
					})
				)
		).rejects.toThrow();
		expect(await database().db.selectFrom('data_keys').select('id').execute()).toEqual([]);
		const count = await sql<{
			n: string;
		}>`select count(*) as n from staff where organization_id = ${org.id}`.execute(database().db);
		expect(Number(count.rows[0]?.n)).toBe(0);
	});

	test('demo data: one organization, staff in every role, an IMLC licensee, and our patients', async () => {
		await database().db.deleteFrom('organizations').where('name', '=', 'Constraint Clinic').execute();
		expect(await isDatabaseEmpty(database().db)).toBe(true);
		const result = await seedDemoData(database().db, phi, new Date('2026-11-29T12:00:00Z'));
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

		const ids = await database().db.selectFrom('patients').select('id').execute();
		const patients = await Promise.all(ids.map(({ id }) => readPatient(database().db, phi, id)));
		expect(patients.map((p) => p!.preferredLanguage)).toEqual(expect.arrayContaining(['es', 'ar']));
		expect(patients.some((p) => p!.phoneKind === 'landline' && p!.contactChannel === 'voice')).toBe(true);
		expect(patients.some((p) => p!.accommodations.aslInterpreter && p!.accommodations.captions)).toBe(true);
		const rosa = patients.find((p) => p!.givenName === 'Rosa');
		expect(rosa).toMatchObject({ familyName: 'Hernández', birthDate: '1979-04-12', phone: '+15125550101' });
		const tuan = patients.find((p) => p!.givenName === 'Tuan')!;
		expect(await listContacts(database().db, phi, tuan.id)).toEqual([
			expect.objectContaining({ displayName: 'Linh Nguyen', relationship: 'daughter', mayJoinVisits: true })
		]);
		// Found by phone through the blind index, in any formatting.
		expect(
			await findPatientIdsByPhone(database().db, phi, rosa!.organizationId, '+1 (512) 555-0101')
		).toEqual([rosa!.id]);
		expect(
			await findPatientIdsByEmail(database().db, phi, rosa!.organizationId, ' Layla.Hassan@Example.org')
		).toHaveLength(1);
	});

	test('seeding twice writes nothing the second time', async () => {
		const before = await database().db.selectFrom('patients').select('id').execute();
		expect(await seedDemoData(database().db, phi, new Date())).toEqual({
			seeded: false,
			staff: 0,
			patients: 0
		});
		expect(await database().db.selectFrom('patients').select('id').execute()).toHaveLength(before.length);
	});
});
