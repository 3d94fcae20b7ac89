import { X12Parser } from 'node-x12';
import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import {
	checkEligibility,
	coverageOf,
	eligibilityChecksFor,
	saveCoverage,
	type EligibilityDeps
} from '../../src/lib/server/eligibility/service';
import {
	ClearinghouseError,
	sandboxClearinghouse
} from '../../src/lib/server/integrations/x12/clearinghouse';
import { bookAppointment } from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { patientNamed, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { appErrorOf } from '../helpers/errors';

const NOW = '2026-11-30T15:00:00Z';

describe.each(DATABASE_KINDS)('insurance eligibility on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup() {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
			now: NOW
		});
		const sent: string[] = [];
		const sandbox = sandboxClearinghouse({ clock: scheduler.clock });
		const deps: EligibilityDeps = {
			clearinghouse: { check: (request) => (sent.push(request), sandbox.check(request)) },
			sender: 'ANYVISIT',
			receiver: 'SANDBOXCH',
			usage: 'T'
		};
		const visitFor = async (givenName: string, state: string, key: string) => {
			const patient = await patientNamed(db, phi, givenName);
			const [slot] = await searchSlots(scheduler.ctx, {
				patientState: state,
				from: '2026-12-02',
				to: '2026-12-04',
				modality: 'video',
				limit: 1
			});
			return (
				await bookAppointment(
					scheduler.ctx,
					{ patientId: patient.id, slotId: slot!.id, modality: 'video', patientState: state },
					{ idempotencyKey: key }
				)
			).appointment;
		};
		return { db, scheduler, deps, sent, visitFor };
	}

	test.each([
		['Rosa', 'TX', 'active', 'covered', 2000],
		['Layla', 'IL', 'active', 'not_covered', null],
		['Marcus', 'CO', 'inactive', 'unknown', null],
		['Dorothy', 'WI', 'not_found', 'unknown', null],
		['Tuan', 'MN', 'unreadable', 'unknown', null]
	] as const)('%s’s demo coverage: %s, telehealth %s', async (given, state, outcome, telehealth, copay) => {
		const t = await setup();
		const visit = await t.visitFor(given, state, `elig-${given}`);
		const check = await checkEligibility(t.scheduler.ctx, t.deps, visit.id);
		expect(check).toMatchObject({ outcome, telehealth });
		if (copay !== null) expect(check.copayCents).toBe(copay);
		// The 270 asked: it parses, names the member and the date of service, and asks service type 30.
		const interchange = new X12Parser(true).parse(t.sent[0]!);
		expect(t.sent[0]).toMatch(/~EQ\*30~/);
		expect(interchange).toBeTruthy();
		expect((await eligibilityChecksFor(t.scheduler.ctx, visit.id)).map((c) => c.outcome)).toEqual([outcome]);
		const row = await t.db.selectFrom('eligibility_checks').select('answer_enc').executeTakeFirstOrThrow();
		expect(row.answer_enc).not.toContain('ISA*');
	});

	test('the 270 asks service type 30 and every configured telehealth type', async () => {
		const t = await setup();
		const visit = await t.visitFor('Rosa', 'TX', 'elig-stc');
		await checkEligibility(t.scheduler.ctx, { ...t.deps, telehealthServiceTypes: ['98', 'MH'] }, visit.id);
		const eq = t.sent[0]!.split('~').filter((segment) => segment.startsWith('EQ*'));
		expect(eq).toEqual(['EQ*30', 'EQ*98', 'EQ*MH']);
	});

	test('coverage is saved sealed and replaced; re-checking adds a check', async () => {
		const t = await setup();
		const visit = await t.visitFor('Layla', 'IL', 'elig-save');
		await saveCoverage(t.scheduler.ctx, visit.patientId, {
			payerId: 'AETNA-DEMO',
			memberId: 'ACT-TH-100200',
			groupNumber: 'G-1'
		});
		expect(await coverageOf(t.scheduler.ctx, visit.patientId)).toMatchObject({
			payerId: 'AETNA-DEMO',
			memberId: 'ACT-TH-100200',
			groupNumber: 'G-1'
		});
		const stored = await t.db
			.selectFrom('coverages')
			.selectAll()
			.where('patient_id', '=', visit.patientId)
			.executeTakeFirstOrThrow();
		expect(JSON.stringify(stored)).not.toContain('100200');
		await checkEligibility(t.scheduler.ctx, t.deps, visit.id);
		await checkEligibility(t.scheduler.ctx, t.deps, visit.id);
		expect(await eligibilityChecksFor(t.scheduler.ctx, visit.id)).toHaveLength(2);
		expect(t.sent).toHaveLength(2);
		// Each 270 has its own interchange control number.
		const control = (x12: string) => x12.slice(90, 99);
		expect(control(t.sent[0]!)).not.toBe(control(t.sent[1]!));
	});

	test('a clearinghouse that fails keeps nothing and says so; no coverage is a clear 422', async () => {
		const t = await setup();
		const visit = await t.visitFor('Rosa', 'TX', 'elig-down');
		const down: EligibilityDeps = {
			...t.deps,
			clearinghouse: {
				check: () => Promise.reject(new ClearinghouseError('The clearinghouse answered 503', 503, true))
			}
		};
		expect((await appErrorOf(checkEligibility(t.scheduler.ctx, down, visit.id))).code).toBe(
			'CLEARINGHOUSE_UNAVAILABLE'
		);
		expect(await t.db.selectFrom('eligibility_checks').select('id').execute()).toEqual([]);
		await t.db.deleteFrom('coverages').where('patient_id', '=', visit.patientId).execute();
		expect((await appErrorOf(checkEligibility(t.scheduler.ctx, t.deps, visit.id))).code).toBe(
			'COVERAGE_MISSING'
		);
		expect(t.sent).toEqual([]);
	});

	test('clinicians do not manage insurance; the refusal is audited', async () => {
		const t = await setup();
		const visit = await t.visitFor('Rosa', 'TX', 'elig-perm');
		const clinician = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'daniel.reyes@demo.anyvisit.test'),
			now: NOW
		});
		expect((await appErrorOf(checkEligibility(clinician.ctx, t.deps, visit.id))).code).toBe('FORBIDDEN');
		const denied = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('outcome', '=', 'denied')
			.execute();
		expect(denied.map((d) => d.action)).toContain('eligibility.check');
	});
});
