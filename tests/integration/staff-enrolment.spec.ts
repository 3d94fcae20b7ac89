import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, test } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemoData } from '../../src/lib/server/demo/seed';
import { regenerateRecoveryCodes, signOutEverywhere } from '../../src/lib/server/identity/account';
import { authenticateStaff } from '../../src/lib/server/identity/authenticate';
import { acceptInvitation, viewInvitation } from '../../src/lib/server/identity/enrolment';
import { signInStaff } from '../../src/lib/server/identity/sign-in';
import { deactivateStaff, inviteStaff, listTeam, reinviteStaff } from '../../src/lib/server/identity/team';
import { totpCode, totpStep } from '../../src/lib/server/identity/totp';
import type { Actor } from '../../src/lib/server/platform/context';
import type { Db } from '../../src/lib/server/platform/db';
import { verifyAuditChain } from '../../src/lib/server/platform/audit/verify';
import { openPayload } from '../../src/lib/server/platform/outbox/repository';
import { createOrganization, createStaffMember, staffActorFor } from '../factories';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { testContext, testPhiCipher } from '../helpers/context';

const NOW = '2026-11-29T15:00:00Z';
const LINKS = { baseUrl: 'https://clinic.example' };
const NEW_PASSWORD = 'correct horse battery staple';
const demoKey = decodeBase32IgnorePadding(DEMO_TOTP_SECRET);

/** The token in the newest invitation email to `to`, read back from the outbox. */
async function invitationToken(db: Db, phi: ReturnType<typeof testPhiCipher>, to: string): Promise<string> {
	const rows = await db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').execute();
	for (const row of rows) {
		const payload = await openPayload(db, phi, row);
		if (payload.to === to) return /\/staff\/invite\/([a-z2-7]+)/.exec(String(payload.text))![1]!;
	}
	throw new Error(`no invitation to ${to}`);
}

const tableCounts = async (db: Db) => ({
	staff: (await db.selectFrom('staff').select('id').execute()).length,
	invitations: (await db.selectFrom('staff_invitations').select('id').execute()).length,
	credentials: (await db.selectFrom('staff_credentials').select('staff_id').execute()).length,
	outbox: (await db.selectFrom('outbox').select('id').execute()).length,
	sessions: (await db.selectFrom('sessions').select('id').execute()).length
});

describe.each(DATABASE_KINDS)('staff invitations, enrolment and recovery codes on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date(NOW));
		const admin = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'admin@demo.anyvisit.test'),
			now: NOW
		});
		const anonymous = testContext(db, { phi, actor: { kind: 'anonymous' }, now: NOW });
		const invite = () =>
			inviteStaff(
				admin.ctx,
				{
					email: 'Ana.Silva@Demo.AnyVisit.test',
					displayName: 'Ana Silva',
					roles: ['nurse'],
					preferredLanguage: 'es'
				},
				LINKS
			);
		return { db, admin, anonymous, invite };
	}

	/** Enrols the invitee with the code of the current step; returns their key and recovery codes. */
	async function enrol(t: Awaited<ReturnType<typeof setup>>) {
		const token = await invitationToken(t.db, phi, 'ana.silva@demo.anyvisit.test');
		const view = await viewInvitation(t.anonymous.ctx, token);
		const key = decodeBase32IgnorePadding(view.secret.replace(/ /g, ''));
		const otp = totpCode(key, totpStep(t.anonymous.clock.now()));
		const { recoveryCodes } = await acceptInvitation(t.anonymous.ctx, { token, password: NEW_PASSWORD, otp });
		return { token, key, otp, recoveryCodes };
	}

	test('an admin invites: the person is listed as invited and gets an email in their language with a link', async () => {
		const t = await setup();
		const { staffId } = await t.invite();
		const team = await listTeam(t.admin.ctx);
		expect(team.find((m) => m.id === staffId)).toMatchObject({
			email: 'ana.silva@demo.anyvisit.test',
			roles: ['nurse'],
			status: 'invited',
			invitationExpiresAt: '2026-12-02T15:00:00.000Z'
		});
		const [row] = await t.db.selectFrom('outbox').selectAll().execute();
		const payload = await openPayload(t.db, phi, row!);
		expect(row!.channel).toBe('email');
		expect(payload).toMatchObject({ to: 'ana.silva@demo.anyvisit.test', language: 'es' });
		expect(String(payload.text)).toMatch(/^Hola|Ana Silva/);
		expect(String(payload.text)).toMatch(/https:\/\/clinic\.example\/staff\/invite\/[a-z2-7]{32}/);
		// Only a hash of the link token is stored.
		const token = await invitationToken(t.db, phi, 'ana.silva@demo.anyvisit.test');
		const stored = await t.db.selectFrom('staff_invitations').selectAll().execute();
		expect(JSON.stringify(stored)).not.toContain(token);
		const audit = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'staff.invite')
			.execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ resource_id: staffId, actor_kind: 'staff' });
	});

	test('the enrolment page offers the key as a QR code URI and as text for typing by hand', async () => {
		const t = await setup();
		await t.invite();
		const token = await invitationToken(t.db, phi, 'ana.silva@demo.anyvisit.test');
		const view = await viewInvitation(t.anonymous.ctx, token);
		expect(view).toMatchObject({ email: 'ana.silva@demo.anyvisit.test', displayName: 'Ana Silva' });
		expect(view.secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
		const uri = new URL(view.otpauthUri);
		expect(uri.protocol).toBe('otpauth:');
		expect(uri.searchParams.get('secret')).toBe(view.secret.replace(/ /g, ''));
		expect(uri.searchParams.get('issuer')).toBe('AnyVisit');
		expect(uri.host).toBe('totp');
		expect(decodeURIComponent(uri.pathname)).toBe('/AnyVisit:ana.silva@demo.anyvisit.test');
		// Opening the link twice shows the same key: the QR code stays valid while the person looks.
		expect((await viewInvitation(t.anonymous.ctx, token)).secret).toBe(view.secret);
	});

	test('enrolment sets the password and TOTP, returns ten recovery codes; the person can then sign in', async () => {
		const t = await setup();
		const { staffId } = await t.invite();
		const { key, otp, recoveryCodes, token } = await enrol(t);
		expect(recoveryCodes).toHaveLength(10);
		expect(new Set(recoveryCodes).size).toBe(10);
		for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
		const stored = await t.db.selectFrom('staff_recovery_codes').selectAll().execute();
		expect(stored).toHaveLength(10);
		expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]!.replace(/-/g, ''));
		expect((await listTeam(t.admin.ctx)).find((m) => m.id === staffId)?.status).toBe('active');

		// The code used to enrol is spent; the next one signs in.
		const client = { ip: '198.51.100.9' };
		const email = 'ana.silva@demo.anyvisit.test';
		await expect(
			signInStaff(t.anonymous.ctx, { email, password: NEW_PASSWORD, otp }, client)
		).rejects.toMatchObject({ code: 'AUTH_FAILED' });
		t.anonymous.clock.advance(30_000);
		const next = totpCode(key, totpStep(t.anonymous.clock.now()));
		const signedIn = await signInStaff(t.anonymous.ctx, { email, password: NEW_PASSWORD, otp: next }, client);
		expect(signedIn.account).toMatchObject({ id: staffId, roles: ['nurse'] });

		// The link works once.
		await expect(viewInvitation(t.anonymous.ctx, token)).rejects.toMatchObject({
			code: 'LINK_EXPIRED',
			status: 410
		});
		const audit = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'staff.enrol')
			.execute();
		expect(audit.map((a) => [a.outcome, a.organization_id])).toEqual([
			['success', signedIn.account.organizationId]
		]);
		expect(await verifyAuditChain(t.db)).toMatchObject({ intact: true });
	});

	test('a short password or a wrong code is refused field by field, audited, and nothing is enrolled', async () => {
		const t = await setup();
		const { staffId } = await t.invite();
		const token = await invitationToken(t.db, phi, 'ana.silva@demo.anyvisit.test');
		const before = await tableCounts(t.db);
		await expect(
			acceptInvitation(t.anonymous.ctx, { token, password: 'short', otp: '000000' })
		).rejects.toMatchObject({
			code: 'VALIDATION',
			fields: [
				{ field: 'password', key: 'errors:field.password_short', params: { min: 12 } },
				{ field: 'otp', key: 'errors:field.totp_mismatch' }
			]
		});
		await expect(
			acceptInvitation(t.anonymous.ctx, { token, password: 'ana.silva@demo.anyvisit.test', otp: '000000' })
		).rejects.toMatchObject({
			fields: [{ field: 'password', key: 'errors:field.password_email' }, { field: 'otp' }]
		});
		expect(await tableCounts(t.db)).toEqual(before);
		expect(await t.db.selectFrom('staff_recovery_codes').selectAll().execute()).toEqual([]);
		const failures = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'staff.enrol')
			.where('outcome', '=', 'failure')
			.execute();
		expect(failures).toHaveLength(2);
		expect(failures[0]!.resource_id).toBe(staffId);
		// The link still works afterwards.
		await expect(viewInvitation(t.anonymous.ctx, token)).resolves.toBeTruthy();
	});

	test('a link expires after three days, and a new invitation replaces the old link', async () => {
		const t = await setup();
		const { staffId } = await t.invite();
		const first = await invitationToken(t.db, phi, 'ana.silva@demo.anyvisit.test');
		t.admin.clock.advance(60_000);
		await reinviteStaff(t.admin.ctx, staffId, LINKS);
		const second = await invitationToken(t.db, phi, 'ana.silva@demo.anyvisit.test');
		expect(second).not.toBe(first);
		await expect(viewInvitation(t.anonymous.ctx, first)).rejects.toMatchObject({ code: 'LINK_EXPIRED' });
		await expect(viewInvitation(t.anonymous.ctx, second)).resolves.toBeTruthy();
		t.anonymous.clock.advance(72 * 60 * 60_000 + 60_000);
		await expect(viewInvitation(t.anonymous.ctx, second)).rejects.toMatchObject({ code: 'LINK_EXPIRED' });
		await expect(viewInvitation(t.anonymous.ctx, 'not-a-token')).rejects.toMatchObject({
			code: 'LINK_EXPIRED'
		});
	});

	test('a recovery code signs in once, typed in any case with or without dashes', async () => {
		const t = await setup();
		await t.invite();
		const { recoveryCodes } = await enrol(t);
		const email = 'ana.silva@demo.anyvisit.test';
		const client = { ip: '198.51.100.9' };
		const typed = recoveryCodes[3]!.replace(/-/g, ' ').toUpperCase();
		const signedIn = await signInStaff(
			t.anonymous.ctx,
			{ email, password: NEW_PASSWORD, otp: typed },
			client
		);
		expect(signedIn.account.email).toBe(email);
		await expect(
			signInStaff(t.anonymous.ctx, { email, password: NEW_PASSWORD, otp: recoveryCodes[3]! }, client)
		).rejects.toMatchObject({ code: 'AUTH_FAILED' });
		// A recovery code does not stand in for the password.
		await expect(
			signInStaff(t.anonymous.ctx, { email, password: 'wrong password!', otp: recoveryCodes[4]! }, client)
		).rejects.toMatchObject({ code: 'AUTH_FAILED' });
		const unused = await t.db
			.selectFrom('staff_recovery_codes')
			.selectAll()
			.where('used_at', 'is', null)
			.execute();
		expect(unused).toHaveLength(9);
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'sign_in').execute();
		expect(audit.map((a) => [a.outcome, JSON.parse(a.details).factor])).toEqual([
			['success', 'recovery_code'],
			['failure', 'otp'],
			['failure', 'password']
		]);
	});

	test('new recovery codes need a current authenticator code, and the old ones stop working', async () => {
		const t = await setup();
		await t.invite();
		const { key, recoveryCodes } = await enrol(t);
		const me = await staffActorFor(t.db, 'ana.silva@demo.anyvisit.test');
		const mine = testContext(t.db, { phi, actor: me, now: NOW });
		mine.clock.advance(60_000);
		await expect(regenerateRecoveryCodes(mine.ctx, { otp: '000000' })).rejects.toMatchObject({
			code: 'VALIDATION',
			fields: [{ field: 'otp' }]
		});
		const fresh = await regenerateRecoveryCodes(mine.ctx, { otp: totpCode(key, totpStep(mine.clock.now())) });
		expect(fresh).toHaveLength(10);
		expect(fresh).not.toContain(recoveryCodes[0]);
		const client = { ip: '198.51.100.9' };
		const email = 'ana.silva@demo.anyvisit.test';
		await expect(
			signInStaff(t.anonymous.ctx, { email, password: NEW_PASSWORD, otp: recoveryCodes[0]! }, client)
		).rejects.toMatchObject({ code: 'AUTH_FAILED' });
		await expect(
			signInStaff(t.anonymous.ctx, { email, password: NEW_PASSWORD, otp: fresh[0]! }, client)
		).resolves.toBeTruthy();
	});

	test('deactivation ends every session at once and refuses sign-in; reactivating sends a new link', async () => {
		const t = await setup();
		const nurse = await staffActorFor(t.db, 'nurse@demo.anyvisit.test');
		const client = { ip: '198.51.100.9' };
		const email = 'nurse@demo.anyvisit.test';
		const step = totpStep(t.anonymous.clock.now());
		const a = await signInStaff(
			t.anonymous.ctx,
			{ email, password: DEMO_PASSWORD, otp: totpCode(demoKey, step) },
			client
		);
		t.anonymous.clock.advance(30_000);
		const b = await signInStaff(
			t.anonymous.ctx,
			{ email, password: DEMO_PASSWORD, otp: totpCode(demoKey, step + 1) },
			client
		);
		expect(await deactivateStaff(t.admin.ctx, nurse.id)).toEqual({ sessionsEnded: 2 });
		for (const token of [a.token, b.token]) {
			expect(await authenticateStaff(t.db, phi, token, t.anonymous.clock.now())).toBeNull();
		}
		t.anonymous.clock.advance(30_000);
		await expect(
			signInStaff(
				t.anonymous.ctx,
				{ email, password: DEMO_PASSWORD, otp: totpCode(demoKey, step + 2) },
				client
			)
		).rejects.toMatchObject({ code: 'AUTH_FAILED' });
		expect((await listTeam(t.admin.ctx)).find((m) => m.id === nurse.id)?.status).toBe('deactivated');

		await reinviteStaff(t.admin.ctx, nurse.id, LINKS);
		const member = (await listTeam(t.admin.ctx)).find((m) => m.id === nurse.id);
		expect(member?.status).toBe('invited');
		// The old password and authenticator no longer work: the person enrols again.
		expect(
			await t.db.selectFrom('staff_credentials').selectAll().where('staff_id', '=', nurse.id).execute()
		).toEqual([]);
		await expect(invitationToken(t.db, phi, email)).resolves.toMatch(/^[a-z2-7]{32}$/);
	});

	test('sign out everywhere ends every session of that person only', async () => {
		const t = await setup();
		const client = { ip: '198.51.100.9' };
		const step = totpStep(t.anonymous.clock.now());
		const mine = await signInStaff(
			t.anonymous.ctx,
			{ email: 'nurse@demo.anyvisit.test', password: DEMO_PASSWORD, otp: totpCode(demoKey, step) },
			client
		);
		const theirs = await signInStaff(
			t.anonymous.ctx,
			{ email: 'biller@demo.anyvisit.test', password: DEMO_PASSWORD, otp: totpCode(demoKey, step) },
			client
		);
		const nurse = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'nurse@demo.anyvisit.test'),
			now: NOW
		});
		expect(await signOutEverywhere(nurse.ctx)).toEqual({ sessionsEnded: 1 });
		expect(await authenticateStaff(t.db, phi, mine.token, nurse.clock.now())).toBeNull();
		expect(await authenticateStaff(t.db, phi, theirs.token, nurse.clock.now())).not.toBeNull();
	});

	describe('who may manage the team', () => {
		test('staff without the admin role are refused, audited, and nothing is written', async () => {
			const t = await setup();
			const scheduler = testContext(t.db, {
				phi,
				actor: await staffActorFor(t.db, 'scheduler@demo.anyvisit.test'),
				now: NOW
			});
			const nurse = await staffActorFor(t.db, 'nurse@demo.anyvisit.test');
			const before = await tableCounts(t.db);
			const input = {
				email: 'x@demo.anyvisit.test',
				displayName: 'X',
				roles: ['admin' as const],
				preferredLanguage: 'en'
			};
			await expect(inviteStaff(scheduler.ctx, input, LINKS)).rejects.toMatchObject({
				code: 'FORBIDDEN',
				status: 403
			});
			await expect(deactivateStaff(scheduler.ctx, nurse.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
			await expect(listTeam(scheduler.ctx)).rejects.toMatchObject({ code: 'FORBIDDEN' });
			expect(await tableCounts(t.db)).toEqual(before);
			const denied = await t.db.selectFrom('audit_log').selectAll().where('outcome', '=', 'denied').execute();
			expect(denied.map((d) => d.action)).toEqual(['staff.invite', 'staff.deactivate', 'staff.list']);
		});

		test('an admin of another organization cannot see or touch this team: answered as not found', async () => {
			const t = await setup();
			const other = await createOrganization(t.db, { name: 'Lakeside Clinic' });
			const otherAdmin = await createStaffMember(t.db, other.id, { roles: ['admin'] });
			const outsider = testContext(t.db, {
				phi,
				actor: { kind: 'staff', id: otherAdmin.id, organizationId: other.id, roles: ['admin'] },
				now: NOW
			});
			const nurse = await staffActorFor(t.db, 'nurse@demo.anyvisit.test');
			expect((await listTeam(outsider.ctx)).map((m) => m.id)).toEqual([otherAdmin.id]);
			await expect(deactivateStaff(outsider.ctx, nurse.id)).rejects.toMatchObject({
				code: 'NOT_FOUND',
				status: 404
			});
			await expect(reinviteStaff(outsider.ctx, nurse.id, LINKS)).rejects.toMatchObject({ code: 'NOT_FOUND' });
			const row = await t.db
				.selectFrom('staff')
				.select('active')
				.where('id', '=', nurse.id)
				.executeTakeFirstOrThrow();
			expect(row.active).toBe(true);
			expect(await t.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
			const denied = await t.db.selectFrom('audit_log').selectAll().where('outcome', '=', 'denied').execute();
			expect(denied.map((d) => [d.action, d.resource_id])).toEqual([
				['staff.deactivate', nurse.id],
				['staff.reinvite', nurse.id]
			]);
		});

		test('bad input, a taken email and deactivating oneself are clear 4xx answers that write nothing', async () => {
			const t = await setup();
			const before = await tableCounts(t.db);
			const base = { displayName: 'New Person', roles: ['nurse' as const], preferredLanguage: 'en' };
			await expect(inviteStaff(t.admin.ctx, { ...base, email: 'not-an-email' }, LINKS)).rejects.toMatchObject(
				{
					code: 'VALIDATION',
					fields: [{ field: 'email', key: 'errors:field.email' }]
				}
			);
			await expect(
				inviteStaff(t.admin.ctx, { ...base, roles: [], email: 'new@demo.anyvisit.test' }, LINKS)
			).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ field: 'roles' }] });
			await expect(
				inviteStaff(t.admin.ctx, { ...base, email: 'NURSE@demo.anyvisit.test' }, LINKS)
			).rejects.toMatchObject({
				code: 'CONFLICT',
				status: 409,
				fields: [{ field: 'email', key: 'errors:field.email_taken' }]
			});
			const admin = t.admin.ctx.actor as Actor & { kind: 'staff' };
			await expect(deactivateStaff(t.admin.ctx, admin.id)).rejects.toMatchObject({
				code: 'SELF_DEACTIVATION',
				status: 409
			});
			expect(await tableCounts(t.db)).toEqual(before);
		});
	});
});
