import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, test } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemoData } from '../../src/lib/server/demo/seed';
import { authenticateStaff } from '../../src/lib/server/identity/authenticate';
import { signInStaff } from '../../src/lib/server/identity/sign-in';
import { signOut } from '../../src/lib/server/identity/sign-out';
import { totpCode, totpStep } from '../../src/lib/server/identity/totp';
import { verifyAuditChain } from '../../src/lib/server/platform/audit/verify';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { testContext, testPhiCipher } from '../helpers/context';

const EMAIL = 'admin@demo.anyvisit.test';
const key = decodeBase32IgnorePadding(DEMO_TOTP_SECRET);
const codeAt = (at: Date, offset = 0) => totpCode(key, totpStep(at) + offset);

describe.each(DATABASE_KINDS)('staff sign-in and sessions on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-29T12:00:00Z'));
		const t = testContext(db, { phi, actor: { kind: 'anonymous' } });
		const client = { ip: '198.51.100.20' };
		return { db, ...t, client };
	}

	test('email, password and a TOTP code sign in; the session names the staff member and their roles', async () => {
		const { db, ctx, clock, client } = await setup();
		const result = await signInStaff(
			ctx,
			{ email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) },
			client
		);
		expect(result.account).toMatchObject({ email: EMAIL, roles: ['admin'] });
		expect(result.session.expiresAt.getTime() - clock.now().getTime()).toBe(12 * 60 * 60_000);
		expect(result.session.idleExpiresAt.getTime() - clock.now().getTime()).toBe(15 * 60_000);
		const auth = await authenticateStaff(db, phi, result.token, clock.now());
		expect(auth?.staff.email).toBe(EMAIL);
		// Only a hash of the secret is stored.
		const [, secret] = result.token.split('.');
		const rows = await db.selectFrom('sessions').selectAll().execute();
		expect(JSON.stringify(rows)).not.toContain(secret!);
	});

	test('the email is matched without regard to case or surrounding spaces', async () => {
		const { ctx, clock, client } = await setup();
		const otp = codeAt(clock.now());
		await expect(
			signInStaff(ctx, { email: '  Admin@Demo.AnyVisit.test ', password: DEMO_PASSWORD, otp }, client)
		).resolves.toBeTruthy();
	});

	test.each([
		['a wrong password', { email: EMAIL, password: 'anyvisit-demo!' }],
		['an unknown email', { email: 'nobody@demo.anyvisit.test', password: DEMO_PASSWORD }],
		['an empty code', { email: EMAIL, password: DEMO_PASSWORD, otp: '' }],
		['a wrong code', { email: EMAIL, password: DEMO_PASSWORD, otp: '000000' }]
	])('%s fails with the one generic AUTH_FAILED, audited, and no session', async (_name, attempt) => {
		const { db, ctx, clock, client } = await setup();
		const input = { otp: codeAt(clock.now()), ...attempt };
		await expect(signInStaff(ctx, input, client)).rejects.toMatchObject({ code: 'AUTH_FAILED', status: 401 });
		expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
		const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'sign_in').execute();
		expect(audit.map((a) => a.outcome)).toEqual(['failure']);
		expect(JSON.stringify(audit)).not.toContain(input.password);
	});

	test('a TOTP code is accepted once', async () => {
		const { db, ctx, clock, client } = await setup();
		const otp = codeAt(clock.now());
		await signInStaff(ctx, { email: EMAIL, password: DEMO_PASSWORD, otp }, client);
		await expect(
			signInStaff(ctx, { email: EMAIL, password: DEMO_PASSWORD, otp }, client)
		).rejects.toMatchObject({
			code: 'AUTH_FAILED'
		});
		expect(await db.selectFrom('sessions').selectAll().execute()).toHaveLength(1);
		clock.advance(30_000);
		await expect(
			signInStaff(ctx, { email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) }, client)
		).resolves.toBeTruthy();
	});

	test('after five failures the account is rate limited, even with the right credentials', async () => {
		const { db, ctx, clock, client } = await setup();
		for (let i = 0; i < 5; i++) {
			await expect(
				signInStaff(ctx, { email: EMAIL, password: 'guess', otp: '123456' }, { ip: `203.0.113.${i}` })
			).rejects.toMatchObject({
				code: 'AUTH_FAILED'
			});
		}
		await expect(
			signInStaff(ctx, { email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) }, client)
		).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429 });
		expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
		// Another account from another address is not affected; the window passes.
		await expect(
			signInStaff(
				ctx,
				{ email: 'nurse@demo.anyvisit.test', password: DEMO_PASSWORD, otp: codeAt(clock.now()) },
				client
			)
		).resolves.toBeTruthy();
		clock.advance(15 * 60_000 + 30_000);
		await expect(
			signInStaff(ctx, { email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) }, client)
		).resolves.toBeTruthy();
	});

	test('many failures from one address limit that address for every account', async () => {
		const { ctx, clock } = await setup();
		const ip = { ip: '192.0.2.55' };
		for (let i = 0; i < 30; i++) {
			await expect(
				signInStaff(ctx, { email: `x${i}@example.org`, password: 'p', otp: '1' }, ip)
			).rejects.toBeTruthy();
		}
		await expect(
			signInStaff(ctx, { email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) }, ip)
		).rejects.toMatchObject({ code: 'RATE_LIMITED' });
	});

	test('inactivity ends a session after 15 minutes; activity slides the window', async () => {
		const { db, ctx, clock, client } = await setup();
		const { token } = await signInStaff(
			ctx,
			{ email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) },
			client
		);
		clock.advance(10 * 60_000);
		expect(await authenticateStaff(db, phi, token, clock.now())).not.toBeNull();
		clock.advance(10 * 60_000);
		const slid = await authenticateStaff(db, phi, token, clock.now());
		expect(slid?.session.idleExpiresAt.getTime()).toBe(clock.now().getTime() + 15 * 60_000);
		clock.advance(15 * 60_000);
		expect(await authenticateStaff(db, phi, token, clock.now())).toBeNull();
		expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
	});

	test('a session ends 12 hours after sign-in however active it is', async () => {
		const { db, ctx, clock, client } = await setup();
		const { token } = await signInStaff(
			ctx,
			{ email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) },
			client
		);
		for (let i = 0; i < 12 * 6; i++) {
			clock.advance(10 * 60_000);
			const auth = await authenticateStaff(db, phi, token, clock.now());
			if (i < 12 * 6 - 1) expect(auth).not.toBeNull();
			else expect(auth).toBeNull();
		}
	});

	test.each([
		['a forged secret', (t: string) => `${t.split('.')[0]}.aaaaaaaaaaaaaaaaaaaaaaaa`],
		['an unknown id', (t: string) => `zzzzzzzzzzzzzzzzzzzzzzzz.${t.split('.')[1]}`],
		['no separator', (t: string) => t.replace('.', '')],
		['extra parts', (t: string) => `${t}.x`],
		['an empty token', () => '']
	])('%s is not a session', async (_name, forge) => {
		const { db, ctx, clock, client } = await setup();
		const { token } = await signInStaff(
			ctx,
			{ email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) },
			client
		);
		expect(await authenticateStaff(db, phi, forge(token), clock.now())).toBeNull();
		expect(await authenticateStaff(db, phi, token, clock.now())).not.toBeNull();
	});

	test('deactivating a staff member ends their sessions; signing out ends one', async () => {
		const { db, ctx, clock, client } = await setup();
		const first = await signInStaff(
			ctx,
			{ email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) },
			client
		);
		clock.advance(30_000);
		const nurse = await signInStaff(
			ctx,
			{ email: 'nurse@demo.anyvisit.test', password: DEMO_PASSWORD, otp: codeAt(clock.now()) },
			client
		);
		await db.updateTable('staff').set({ active: false }).where('email', '=', EMAIL).execute();
		expect(await authenticateStaff(db, phi, first.token, clock.now())).toBeNull();

		const { ctx: nurseCtx } = testContext(db, {
			phi,
			actor: {
				kind: 'staff',
				id: nurse.account.id,
				organizationId: nurse.account.organizationId,
				roles: ['nurse']
			}
		});
		await signOut(nurseCtx, nurse.session.id);
		expect(await authenticateStaff(db, phi, nurse.token, clock.now())).toBeNull();
		const actions = (await db.selectFrom('audit_log').select('action').execute()).map((r) => r.action);
		expect(actions.filter((a) => a === 'sign_in')).toHaveLength(2);
		expect(actions).toContain('sign_out');
		expect(await verifyAuditChain(db)).toMatchObject({ intact: true });
	});

	test('a session whose staff member moved to another organization is refused', async () => {
		const { db, ctx, clock, client } = await setup();
		const { token, account } = await signInStaff(
			ctx,
			{ email: EMAIL, password: DEMO_PASSWORD, otp: codeAt(clock.now()) },
			client
		);
		const other = await db
			.insertInto('organizations')
			.values({ name: 'Other Clinic', time_zone: 'America/New_York' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await db.updateTable('staff').set({ organization_id: other.id }).where('id', '=', account.id).execute();
		expect(await authenticateStaff(db, phi, token, clock.now())).toBeNull();
	});
});
