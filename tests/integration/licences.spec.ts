import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { sendLicenceExpiryNotices } from '../../src/lib/server/licensure/expiry-notices';
import {
	importLicences,
	listLicences,
	removeLicence,
	saveLicence
} from '../../src/lib/server/licensure/records';
import { checkPractice } from '../../src/lib/server/licensure/service';
import { fixedClock } from '../../src/lib/server/platform/clock';
import { openPayload } from '../../src/lib/server/platform/outbox/repository';
import { createOrganization, createStaffMember, staffActorFor } from '../factories';
import { captureLogger, testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

// Seeded on the 23rd; "today" is the 29th in the clinic's zone (America/Chicago).
const SEEDED = new Date('2026-11-23T12:00:00Z');
const NOW = '2026-11-29T18:00:00Z';

describe.each(DATABASE_KINDS)('licence records on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, SEEDED);
		const admin = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'admin@demo.anyvisit.test'),
			now: NOW
		});
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
			now: NOW
		});
		const haddad = await staffActorFor(db, 'samira.haddad@demo.anyvisit.test');
		const count = async () =>
			Number(
				(await db.selectFrom('licenses').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n
			);
		const licence = (overrides: Record<string, string> = {}) => ({
			clinicianId: haddad.id,
			state: 'WI',
			credential: 'NP',
			number: 'APNP-1234',
			status: 'active',
			pathway: 'state',
			issuedOn: '2024-01-01',
			expiresOn: '2030-01-01',
			...overrides
		});
		return { db, admin, scheduler, haddad, count, licence };
	}

	test('expiry warnings at 60, 30 and 7 days, counted in the clinic’s days', async () => {
		const t = await setup();
		const expiring = {
			TX: '2026-12-04',
			WI: '2026-12-20',
			MN: '2027-01-20',
			OH: '2027-02-20',
			IA: '2026-11-28'
		};
		for (const [state, expiresOn] of Object.entries(expiring)) {
			await saveLicence(t.admin.ctx, t.licence({ state, expiresOn, number: `N-${state}` }));
		}
		const mine = (await listLicences(t.admin.ctx)).filter(
			(l) => l.clinicianId === t.haddad.id && l.state !== 'IL'
		);
		expect(Object.fromEntries(mine.map((l) => [l.state, [l.daysLeft, l.warning]]))).toEqual({
			IA: [-1, null],
			TX: [5, 7],
			WI: [21, 30],
			MN: [52, 60],
			OH: [83, null]
		});
		// Sorted by expiry, soonest first.
		expect(mine.map((l) => l.state)).toEqual(['IA', 'TX', 'WI', 'MN', 'OH']);
	});

	test('a saved licence opens the state at once; a suspended one closes it', async () => {
		const t = await setup();
		const question = {
			clinicianId: t.haddad.id,
			state: 'WI',
			date: '2026-12-10',
			modality: 'video',
			service: 'medical'
		} as const;
		expect(await checkPractice(t.admin.ctx, question)).toEqual({
			allowed: false,
			reason: 'no_licence_for_state'
		});
		const { id } = await saveLicence(t.admin.ctx, t.licence());
		expect(await checkPractice(t.admin.ctx, question)).toMatchObject({
			allowed: true,
			basis: 'state_licence'
		});
		await saveLicence(t.admin.ctx, { ...t.licence({ status: 'suspended' }), id });
		expect(await checkPractice(t.admin.ctx, question)).toEqual({
			allowed: false,
			reason: 'licence_not_active'
		});
		const audit = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('resource_type', '=', 'licence')
			.execute();
		expect(audit.map((a) => a.action)).toEqual(['licence.create', 'licence.update']);
	});

	test('bad values are refused field by field and nothing is written', async () => {
		const t = await setup();
		const before = await t.count();
		const error = await appErrorOf(
			saveLicence(
				t.admin.ctx,
				t.licence({
					state: 'ZZ',
					credential: 'Wizard',
					number: '<b>',
					status: 'maybe',
					issuedOn: '2026-02-30',
					expiresOn: '2020-01-01'
				})
			)
		);
		expect(error.code).toBe('VALIDATION');
		expect(error.fields.map((f) => f.field)).toEqual(['state', 'credential', 'number', 'status', 'issuedOn']);
		const reversed = await appErrorOf(
			saveLicence(t.admin.ctx, t.licence({ issuedOn: '2026-01-02', expiresOn: '2026-01-01' }))
		);
		expect(reversed.fields).toEqual([{ field: 'expiresOn', key: 'errors:licence.expires_before_issued' }]);
		expect(await t.count()).toBe(before);
	});

	test('a second licence of the same kind is a conflict; another clinic’s clinician is not found', async () => {
		const t = await setup();
		await saveLicence(t.admin.ctx, t.licence());
		expect((await appErrorOf(saveLicence(t.admin.ctx, t.licence({ number: 'OTHER' })))).code).toBe(
			'CONFLICT'
		);
		const other = await createOrganization(t.db, { name: 'Elsewhere Clinic' });
		const stranger = await createStaffMember(t.db, other.id);
		const error = await appErrorOf(saveLicence(t.admin.ctx, t.licence({ clinicianId: stranger.id })));
		expect(error.fields[0]).toMatchObject({ field: 'clinicianId', key: 'errors:licence.clinician' });
		const theirs = await t.db
			.insertInto('licenses')
			.values({
				staff_id: stranger.id,
				state: 'TX',
				credential: 'MD',
				number: 'X1',
				status: 'active',
				pathway: 'state',
				issued_on: '2024-01-01',
				expires_on: '2030-01-01'
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		expect((await appErrorOf(removeLicence(t.admin.ctx, theirs.id))).code).toBe('NOT_FOUND');
		expect((await appErrorOf(saveLicence(t.admin.ctx, { ...t.licence(), id: theirs.id }))).code).toBe(
			'NOT_FOUND'
		);
	});

	test('only admins manage licences: a scheduler is refused, audited, and nothing changes', async () => {
		const t = await setup();
		const before = await t.count();
		expect((await appErrorOf(listLicences(t.scheduler.ctx))).code).toBe('FORBIDDEN');
		expect((await appErrorOf(saveLicence(t.scheduler.ctx, t.licence()))).code).toBe('FORBIDDEN');
		expect((await appErrorOf(importLicences(t.scheduler.ctx, 'clinician_email\n'))).code).toBe('FORBIDDEN');
		expect(await t.count()).toBe(before);
		const denied = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('outcome', '=', 'denied')
			.execute();
		expect(denied.map((d) => d.action)).toEqual(['licence.list', 'licence.create', 'licence.import']);
	});

	const HEADER = 'clinician_email,state,credential,number,status,pathway,issued_on,expires_on';

	test('a CSV imports in one go: quoted values, a byte-order mark, columns in any order; a re-import updates', async () => {
		const t = await setup();
		const csv = [
			'\uFEFFstate,clinician_email,credential,number,status,pathway,issued_on,expires_on',
			'wi,Samira.Haddad@demo.anyvisit.test,np,"APNP 22/10",active,state,2024-01-01,2028-01-01',
			'IA,nurse@demo.anyvisit.test,RN,"884512",active,,2024-01-01,2028-01-01',
			''
		].join('\r\n');
		expect(await importLicences(t.admin.ctx, csv)).toEqual({ created: 2, updated: 0 });
		const wi = await t.db
			.selectFrom('licenses')
			.selectAll()
			.where('state', '=', 'WI')
			.where('staff_id', '=', t.haddad.id)
			.executeTakeFirstOrThrow();
		expect(wi).toMatchObject({
			staff_id: t.haddad.id,
			credential: 'NP',
			number: 'APNP 22/10',
			pathway: 'state'
		});
		const renewed = `${HEADER}\nsamira.haddad@demo.anyvisit.test,WI,NP,APNP 22-10,active,state,2024-01-01,2032-01-01\n`;
		expect(await importLicences(t.admin.ctx, renewed)).toEqual({ created: 0, updated: 1 });
		expect(
			await t.db
				.selectFrom('licenses')
				.select(['number', 'expires_on'])
				.where('id', '=', wi.id)
				.executeTakeFirstOrThrow()
		).toEqual({ number: 'APNP 22-10', expires_on: '2032-01-01' });
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['action', 'details'])
			.where('action', '=', 'licence.import')
			.execute();
		expect(audit).toHaveLength(2);
	});

	test('a CSV with any bad row writes nothing and reports every problem by line and column', async () => {
		const t = await setup();
		const before = await t.count();
		const csv = [
			HEADER,
			'samira.haddad@demo.anyvisit.test,WI,NP,A1,active,state,2024-01-01,2028-01-01',
			'nobody@example.org,WI,NP,A2,active,state,2024-01-01,2028-01-01',
			'samira.haddad@demo.anyvisit.test,XX,NP,A3,active,state,2024-01-01,2028-01-01',
			'samira.haddad@demo.anyvisit.test,OH,NP,A4,active,state,2024-13-01,2023-01-01',
			'samira.haddad@demo.anyvisit.test,WI,NP,A5,active,state,2024-01-01,2029-01-01'
		].join('\n');
		const error = await appErrorOf(importLicences(t.admin.ctx, csv));
		expect(error.code).toBe('VALIDATION');
		expect(error.fields.map((f) => [f.field, f.key])).toEqual([
			['rows[3].clinician_email', 'errors:licence.clinician'],
			['rows[4].state', 'errors:field.state'],
			['rows[5].issued_on', 'errors:field.day'],
			['rows[6]', 'errors:licence.csv_repeated']
		]);
		expect(error.fields[3]?.params).toEqual({ line: 2 });
		expect(await t.count()).toBe(before);
	});

	test.each([
		['a file without the header', 'samira.haddad@demo.anyvisit.test,WI,NP\n', 'errors:licence.csv_header'],
		['a header and nothing else', `${HEADER}\n`, 'errors:licence.csv_empty'],
		['an unclosed quote', `${HEADER}\n"samira.haddad@demo.anyvisit.test,WI\n`, 'errors:licence.csv_quote']
	])('%s is refused', async (_name, csv, key) => {
		const t = await setup();
		const error = await appErrorOf(importLicences(t.admin.ctx, csv));
		expect(error.code).toBe('VALIDATION');
		expect(error.fields[0]?.key).toBe(key);
	});

	test('expiry emails go to the clinician once per threshold, in their language; a renewal starts over', async () => {
		const t = await setup();
		const { id } = await saveLicence(t.admin.ctx, t.licence({ expiresOn: '2027-01-20' }));
		const run = (now: string) =>
			sendLicenceExpiryNotices({
				db: t.db,
				phi,
				clock: fixedClock(now),
				logger: captureLogger().logger,
				baseUrl: 'https://clinic.example.org'
			});
		// The seeded MN licence expires 45 days after seeding: inside 60 days already.
		expect(await run(NOW)).toBe(2);
		expect(await run(NOW)).toBe(0);
		expect(await run('2026-12-25T15:00:00Z')).toBe(2); // both within 30 days now
		expect(await run('2026-12-26T15:00:00Z')).toBe(0);
		const emails = await t.db
			.selectFrom('outbox')
			.selectAll()
			.where('channel', '=', 'email')
			.orderBy('created_at')
			.execute();
		const payloads = await Promise.all(emails.map((m) => openPayload(t.db, phi, m)));
		const haddads = payloads.filter((p) => p.to === 'samira.haddad@demo.anyvisit.test');
		expect(haddads).toHaveLength(2);
		expect(String(haddads[0]?.subject)).toContain('WI');
		expect(String(haddads[0]?.text)).toContain('https://clinic.example.org/staff/licences');
		await saveLicence(t.admin.ctx, { ...t.licence({ expiresOn: '2027-01-10' }), id });
		expect(await run('2026-12-26T15:00:00Z')).toBe(1);
	});
});
