import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { authenticate } from '../../src/lib/server/identity/authenticate';
import { appointmentOfLink, signInWithVisitLink, visitLink } from '../../src/lib/server/identity/visit-link';
import { cancelAppointment } from '../../src/lib/server/scheduling/booking';
import { bookDemoVisit, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

const tokenOf = (url: string) => url.split('/v/')[1]!;

describe.each(DATABASE_KINDS)('the visit link and date of birth on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	/** Rosa's visit on 2 Dec, its link, and a signed-out visitor at `now`. */
	async function setup(now = '2026-12-01T15:00:00Z') {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
			now: '2026-11-30T15:00:00Z'
		});
		const { appointment } = await bookDemoVisit(scheduler.ctx, phi, {
			patient: 'Rosa',
			state: 'TX',
			day: '2026-12-02',
			modality: 'video',
			key: 'link-1'
		});
		const visitor = testContext(db, { phi, actor: { kind: 'anonymous' }, now });
		const token = tokenOf(visitLink('https://clinic.example', phi, appointment.id));
		const signIn = (birthDate: string) =>
			signInWithVisitLink(visitor.ctx, { token, birthDate, ip: '198.51.100.40' });
		const sessions = () => db.selectFrom('sessions').select('id').execute();
		const signIns = async (outcome: 'success' | 'failure') =>
			(
				await db
					.selectFrom('audit_log')
					.select('details')
					.where('action', '=', 'sign_in')
					.where('outcome', '=', outcome)
					.execute()
			).map((r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details));
		return { db, scheduler, appointment, visitor, token, signIn, sessions, signIns };
	}

	test('the link names the visit and nothing else, and only a link we made is read', async () => {
		const { appointment, token } = await setup();
		expect(token).toMatch(/^[A-Za-z0-9_-]{38}$/);
		expect(appointmentOfLink(phi, token)).toBe(appointment.id);
		const flipped = token.slice(0, 30) + (token[30] === 'A' ? 'B' : 'A') + token.slice(31);
		expect(appointmentOfLink(phi, flipped)).toBeNull();
		expect(appointmentOfLink(phi, token.slice(1))).toBeNull();
		expect(appointmentOfLink(phi, `${token}=`)).toBeNull();
		// Another key (another installation) does not accept it.
		expect(appointmentOfLink(testPhiCipher(), token)).toBeNull();
	});

	test('her date of birth signs her in; a wrong one is refused, audited, and starts no session', async () => {
		const { db, visitor, appointment, signIn, sessions, signIns } = await setup();
		const wrong = await appErrorOf(signIn('1979-12-04'));
		expect(wrong).toMatchObject({ code: 'BIRTH_DATE_MISMATCH', status: 401 });
		expect(await sessions()).toEqual([]);
		expect(await signIns('failure')).toEqual([{ factor: 'visit_link' }]);

		const signedIn = await signIn('1979-04-12');
		expect(signedIn.appointmentId).toBe(appointment.id);
		const who = await authenticate(db, phi, signedIn.token, visitor.clock.now());
		expect(who).toMatchObject({ kind: 'patient', patient: { id: appointment.patientId, givenName: 'Rosa' } });
		expect(await signIns('success')).toEqual([{ factor: 'visit_link', appointmentId: appointment.id }]);
	});

	test('five wrong dates lock the link for 15 minutes, even against the right one', async () => {
		const { visitor, signIn, sessions } = await setup();
		for (let i = 0; i < 5; i++)
			expect((await appErrorOf(signIn(`1979-04-${String(13 + i)}`))).code).toBe('BIRTH_DATE_MISMATCH');
		expect((await appErrorOf(signIn('1979-04-12'))).code).toBe('RATE_LIMITED');
		expect(await sessions()).toEqual([]);
		visitor.clock.advance(16 * 60_000);
		await signIn('1979-04-12');
		expect(await sessions()).toHaveLength(1);
	});

	test('a cancelled visit’s link, or one a day past the visit, opens nothing', async () => {
		const { db, token, scheduler, appointment, signIn, sessions, signIns } = await setup();
		const late = testContext(db, { phi, actor: { kind: 'anonymous' }, now: '2026-12-04T15:00:00Z' });
		expect(
			(await appErrorOf(signInWithVisitLink(late.ctx, { token, birthDate: '1979-04-12', ip: null }))).code
		).toBe('VISIT_LINK_INVALID');
		await cancelAppointment(scheduler.ctx, appointment.id, { reason: 'patient_request' });
		expect(await appErrorOf(signIn('1979-04-12'))).toMatchObject({ code: 'VISIT_LINK_INVALID', status: 410 });
		expect(await sessions()).toEqual([]);
		expect(await signIns('failure')).toEqual([]);
	});
});
