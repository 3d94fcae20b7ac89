import { describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { patientChart } from '../../src/lib/server/ehr/chart';
import type { EhrSyncDeps } from '../../src/lib/server/ehr/sync';
import { createFhirClient } from '../../src/lib/server/integrations/fhir/client';
import { DEMO_MRN_SYSTEM } from '../../src/sandbox-ehr/demo-charts';
import {
	createOrganization,
	createPatient,
	createStaffMember,
	patientNamed,
	staffActorFor
} from '../factories';
import { captureLogger, testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { useTestEhr } from '../helpers/ehr';
import { appErrorOf } from '../helpers/errors';

const NOW = '2026-11-30T15:00:00Z';
describe.each(DATABASE_KINDS)('the clinician’s chart from the EHR on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();
	const testEhr = useTestEhr();

	async function setup(options: { failing?: RegExp } = {}) {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const { ehr, key } = await testEhr({ chartsAt: new Date(NOW) });
		const requests: string[] = [];
		const network: typeof fetch = (input, init) => {
			const url = input instanceof Request ? input.url : input.toString();
			requests.push(url);
			if (options.failing?.test(url)) return Promise.reject(new TypeError('fetch failed'));
			return fetch(input, init);
		};
		const deps: EhrSyncDeps = {
			db,
			phi,
			clock: testContext(db, { now: NOW }).clock,
			logger: captureLogger().logger,
			fhir: createFhirClient({
				baseUrl: ehr.baseUrl,
				clientId: 'anyvisit',
				key,
				fetch: network,
				maxRetries: 0
			}),
			baseUrl: 'http://localhost:3000',
			mrnSystem: DEMO_MRN_SYSTEM
		};
		const okafor = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'maya.okafor@demo.anyvisit.test'),
			now: NOW
		});
		return { db, deps, okafor, requests };
	}

	test('a clinician sees medications, allergies, problems, flagged labs, notes and 90 days of readings; the view is audited', async () => {
		const t = await setup();
		const rosa = await patientNamed(t.db, phi, 'Rosa');
		const chart = await patientChart(t.okafor.ctx, t.deps, rosa.id);
		expect(chart).toMatchObject({ linked: true, unavailable: [], patient: { name: 'Rosa Hernández' } });
		expect(chart.medications.map((m) => m.name)).toContain('metformin hydrochloride 500 MG Oral Tablet');
		expect(chart.allergies).toEqual([{ name: 'Allergy to penicillin', reaction: 'Hives' }]);
		expect(chart.problems.map((p) => p.name)).toEqual(['Type 2 diabetes mellitus', 'Hypertensive disorder']);
		expect(chart.labs.find((l) => l.name.startsWith('Hemoglobin A1c'))).toMatchObject({
			value: '8.1',
			flag: 'H',
			range: '4–5.6'
		});
		expect(chart.labs.find((l) => l.name.startsWith('Creatinine'))?.flag).toBe('N');
		expect(chart.notes[0]?.text).toContain('Follow-up for diabetes');
		expect(chart.trends.bp.length).toBeGreaterThan(70);
		expect(chart.trends.bp[0]).toEqual({
			at: expect.any(String),
			value: expect.any(Number),
			second: expect.any(Number)
		});
		expect(chart.trends.glucose.length).toBeGreaterThan(70);
		expect(chart.trends.weight.length).toBeGreaterThan(30);
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['action', 'purpose', 'resource_id'])
			.where('action', '=', 'chart.read')
			.execute();
		expect(audit).toEqual([{ action: 'chart.read', purpose: 'treatment', resource_id: rosa.id }]);
	});

	test('an EHR that fails one query still shows the rest, and says which part is missing', async () => {
		const t = await setup({ failing: /DocumentReference/ });
		const dorothy = await patientNamed(t.db, phi, 'Dorothy');
		const chart = await patientChart(t.okafor.ctx, t.deps, dorothy.id);
		expect(chart.unavailable).toEqual(['notes']);
		expect(chart.medications).toHaveLength(3);
		expect(chart.labs.find((l) => l.name.startsWith('Natriuretic'))?.flag).toBe('H');
	});

	test('an EHR that cannot be reached leaves a clear notice, not an error', async () => {
		const t = await setup({ failing: /./ });
		const layla = await patientNamed(t.db, phi, 'Layla');
		const chart = await patientChart(t.okafor.ctx, t.deps, layla.id);
		expect(chart.linked).toBe(false);
		expect(chart.unavailable).toEqual(['medications', 'allergies', 'problems', 'labs', 'notes', 'trends']);
	});

	test('a patient the EHR does not know shows as not linked, and nothing is created in the EHR', async () => {
		const t = await setup();
		const stranger = await createPatient(t.db, phi, (await patientNamed(t.db, phi, 'Rosa')).organizationId);
		const chart = await patientChart(t.okafor.ctx, t.deps, stranger);
		expect(chart).toMatchObject({ linked: false, unavailable: [] });
		expect(await t.deps.fhir.searchAll('Patient', {})).toHaveLength(5);
	});

	test('a second look within a minute is served from the short cache', async () => {
		const t = await setup();
		const tuan = await patientNamed(t.db, phi, 'Tuan');
		await patientChart(t.okafor.ctx, t.deps, tuan.id);
		const first = t.requests.length;
		await patientChart(t.okafor.ctx, t.deps, tuan.id);
		expect(t.requests.length).toBe(first);
	});

	test('schedulers may not read charts; another clinic’s clinician gets not found; both audited', async () => {
		const t = await setup();
		const rosa = await patientNamed(t.db, phi, 'Rosa');
		const scheduler = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'scheduler@demo.anyvisit.test'),
			now: NOW
		});
		expect((await appErrorOf(patientChart(scheduler.ctx, t.deps, rosa.id))).code).toBe('FORBIDDEN');
		const elsewhere = await createOrganization(t.db, { name: 'Elsewhere' });
		const outsider = await createStaffMember(t.db, elsewhere.id, { roles: ['clinician'] });
		const asOutsider = testContext(t.db, {
			phi,
			actor: { kind: 'staff', id: outsider.id, organizationId: elsewhere.id, roles: ['clinician'] },
			now: NOW
		});
		expect((await appErrorOf(patientChart(asOutsider.ctx, t.deps, rosa.id))).code).toBe('NOT_FOUND');
		const denied = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('outcome', '=', 'denied')
			.execute();
		expect(denied.map((d) => d.action)).toEqual(['chart.read', 'chart.read']);
	});
});
