import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import {
	holdSession,
	createSession,
	validateSessionToken,
	STAFF_SESSION
} from '../../src/lib/server/identity/session';
import { getPatient } from '../../src/lib/server/patients/records';
import type { Actor } from '../../src/lib/server/platform/context';
import type { Db } from '../../src/lib/server/platform/db';
import type { StaffRole } from '../../src/lib/server/platform/schema';
import { createOrganization, createPatient, createStaffMember, patientNamed } from '../factories';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { testContext, testPhiCipher } from '../helpers/context';

const NOW = '2026-11-29T15:00:00Z';

describe.each(DATABASE_KINDS)('authorization of patient records on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date(NOW));
		const organization = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
		const as = (actor: Actor) => testContext(db, { phi, actor, now: NOW });
		const staff = async (roles: StaffRole[], organizationId = organization.id) => {
			const row = await createStaffMember(db, organizationId, { roles });
			return as({ kind: 'staff', id: row.id, organizationId, roles });
		};
		const rosa = (await patientNamed(db, phi, 'Rosa')).id;
		const marcus = (await patientNamed(db, phi, 'Marcus')).id;
		const patient = (id: string) => as({ kind: 'patient', id, organizationId: organization.id });
		const denied = () => db.selectFrom('audit_log').selectAll().where('outcome', '=', 'denied').execute();
		return { db, organization, staff, patient, rosa, marcus, denied };
	}

	test('a patient reads their own record; the read is audited with its purpose', async () => {
		const t = await setup();
		const rosa = await getPatient(t.patient(t.rosa).ctx, t.rosa);
		expect(rosa).toMatchObject({ id: t.rosa, givenName: 'Rosa', preferredLanguage: 'es' });
		const [entry] = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'patient.read')
			.execute();
		expect(entry).toMatchObject({
			actor_kind: 'patient',
			actor_id: t.rosa,
			resource_id: t.rosa,
			purpose: 'patient_access',
			outcome: 'success'
		});
	});

	test('IDOR: a patient who changes the id to another patient’s gets not found, and the attempt is audited', async () => {
		const t = await setup();
		await expect(getPatient(t.patient(t.marcus).ctx, t.rosa)).rejects.toMatchObject({
			code: 'NOT_FOUND',
			status: 404
		});
		// The same answer as for an id that does not exist at all: nothing to probe.
		await expect(
			getPatient(t.patient(t.marcus).ctx, '00000000-0000-4000-8000-000000000000')
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		const denied = await t.denied();
		expect(denied.map((d) => [d.action, d.actor_id, d.resource_id])).toEqual([
			['patient.read', t.marcus, t.rosa],
			['patient.read', t.marcus, '00000000-0000-4000-8000-000000000000']
		]);
		const reads = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'patient.read')
			.where('outcome', '=', 'success')
			.execute();
		expect(reads).toEqual([]);
	});

	test.each([
		['clinician', 'treatment'],
		['nurse', 'treatment'],
		['biller', 'payment'],
		['scheduler', 'operations'],
		['admin', 'operations']
	] as const)('a %s of the organization reads a patient, audited for %s', async (role, purpose) => {
		const t = await setup();
		const reader = await t.staff([role]);
		expect((await getPatient(reader.ctx, t.rosa)).givenName).toBe('Rosa');
		const [entry] = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'patient.read')
			.execute();
		expect(entry).toMatchObject({ actor_kind: 'staff', purpose, resource_id: t.rosa });
	});

	test('staff of another organization get not found for this organization’s patient, audited', async () => {
		const t = await setup();
		const other = await createOrganization(t.db, { name: 'Lakeside Clinic' });
		const outsider = await t.staff(['clinician', 'admin'], other.id);
		await expect(getPatient(outsider.ctx, t.rosa)).rejects.toMatchObject({ code: 'NOT_FOUND' });
		const theirs = await createPatient(t.db, phi, other.id, { givenName: 'Lake' });
		expect((await getPatient(outsider.ctx, theirs)).givenName).toBe('Lake');
		// …and the reverse holds.
		const clinician = await t.staff(['clinician']);
		await expect(getPatient(clinician.ctx, theirs)).rejects.toMatchObject({ code: 'NOT_FOUND' });
		expect((await t.denied()).map((d) => d.resource_id)).toEqual([t.rosa, theirs]);
	});

	test('anyone who is not signed in is refused', async () => {
		const t = await setup();
		const anonymous = testContext(t.db, { phi, actor: { kind: 'anonymous' }, now: NOW });
		await expect(getPatient(anonymous.ctx, t.rosa)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
		expect((await t.denied()).map((d) => d.action)).toEqual(['patient.read']);
	});
});

describe.each(DATABASE_KINDS)('a live visit holds sessions open on %s', (kind) => {
	const database = useTestDatabase(kind);

	async function staffSession(db: Db) {
		const org = await createOrganization(db);
		const member = await createStaffMember(db, org.id);
		const now = new Date(NOW);
		const { token, session } = await createSession(
			db,
			{ kind: 'staff', id: member.id, organizationId: org.id },
			{ now, ...STAFF_SESSION }
		);
		return { token, session, now };
	}

	const at = (now: Date, ms: number) => new Date(now.getTime() + ms);

	test('without a hold, 15 minutes without activity end the session', async () => {
		const db = database().db;
		const { token, now } = await staffSession(db);
		expect(await validateSessionToken(db, token, at(now, 15 * 60_000))).toBeNull();
	});

	test('while held, inactivity does not end it; once the hold lapses, the usual limit applies', async () => {
		const db = database().db;
		const { token, session, now } = await staffSession(db);
		// A 40-minute visit renews the hold every minute; the clinician clicks nothing meanwhile.
		for (let minute = 0; minute <= 40; minute++) {
			await holdSession(db, session.id, at(now, minute * 60_000 + 2 * 60_000));
		}
		// 41 minutes without a request would have ended it; the hold kept it, and this request is activity.
		const during = await validateSessionToken(db, token, at(now, 41 * 60_000));
		expect(during?.idleExpiresAt).toEqual(at(now, 56 * 60_000));
		// The visit has ended: from the last request on, the usual 15 minutes apply.
		expect(await validateSessionToken(db, token, at(now, 41 * 60_000 + 14 * 60_000))).not.toBeNull();
		expect(await validateSessionToken(db, token, at(now, 41 * 60_000 + 29 * 60_000 + 1))).toBeNull();
	});

	test('a visit running past the 12-hour limit is not cut off; the session ends after the visit', async () => {
		const db = database().db;
		const { token, session, now } = await staffSession(db);
		const twelveHours = 12 * 60 * 60_000;
		await holdSession(db, session.id, at(now, twelveHours + 10 * 60_000));
		expect(await validateSessionToken(db, token, at(now, twelveHours + 5 * 60_000))).not.toBeNull();
		expect(await validateSessionToken(db, token, at(now, twelveHours + 10 * 60_000))).toBeNull();
		expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
	});
});
