import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { ehrLinkOf, linkEhrPatient, searchEhrPatients } from '../../src/lib/server/ehr/linking';
import { identifierSystem } from '../../src/lib/server/ehr/resources';
import { readPatient } from '../../src/lib/server/patients/repository';
import { DEMO_MRN_SYSTEM } from '../../src/sandbox-ehr/demo-charts';
import { createPatient, patientNamed, staffActorFor } from '../factories';
import { testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { EHR_TEST_BASE_URL, ehrSyncHarness, useTestEhr } from '../helpers/ehr';
import { appErrorOf } from '../helpers/errors';

describe.each(DATABASE_KINDS)('staff search the EHR and link patients on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();
	const testEhr = useTestEhr();

	/** A patient registered in AnyVisit without an MRN, whom the EHR knows under a longer name. */
	async function setup() {
		const h = await ehrSyncHarness(database().db, phi, await testEhr());
		const rosa = await patientNamed(h.db, phi, 'Rosa');
		const [ehrRosa] = await h.fhir.searchAll<FhirPatient>('Patient', {
			identifier: `${DEMO_MRN_SYSTEM}|RB100001`
		});
		const { resource: ehrAna } = await h.fhir.create<FhirPatient>({
			resourceType: 'Patient',
			identifier: [{ system: DEMO_MRN_SYSTEM, value: 'RB200077' }],
			name: [{ given: ['Ana', 'María'], family: 'Castillo-Ruiz' }],
			birthDate: '1990-06-15'
		});
		const ana = await createPatient(h.db, phi, rosa.organizationId, {
			givenName: 'Ana',
			familyName: 'Castillo',
			birthDate: '1990-06-15',
			homeState: 'TX'
		});
		const audits = (action: string) =>
			h.db.selectFrom('audit_log').select(['outcome', 'details']).where('action', '=', action).execute();
		return { ...h, rosa, ehrRosa: ehrRosa!, ehrAna, ana, audits };
	}

	test('a search by name and birth date finds the EHR patient; the audit keeps only the count', async () => {
		const t = await setup();
		const found = await searchEhrPatients(t.scheduler.ctx, t.deps, t.ana, {
			family: 'Castillo-Ruiz',
			birthDate: '1990-06-15'
		});
		expect(found).toEqual([
			{
				ehrId: t.ehrAna.id,
				name: 'Ana María Castillo-Ruiz',
				birthDate: '1990-06-15',
				mrn: 'RB200077',
				linkedTo: null
			}
		]);
		const byMrn = await searchEhrPatients(t.scheduler.ctx, t.deps, t.ana, { mrn: 'RB200077' });
		expect(byMrn.map((m) => m.ehrId)).toEqual([t.ehrAna.id]);
		expect(await searchEhrPatients(t.scheduler.ctx, t.deps, t.ana, { family: 'Nobody-Here' })).toEqual([]);
		const audited = await t.audits('ehr.patient.search');
		expect(audited.map((a) => JSON.parse(a.details) as unknown)).toEqual([
			{ results: 1 },
			{ results: 1 },
			{ results: 0 }
		]);
		expect(JSON.stringify(audited)).not.toContain('Castillo');
	});

	test('linking takes the EHR’s MRN, and the patient’s open visit is sent again to the linked record', async () => {
		const t = await setup();
		const visit = await t.book('Ana', 'TX', '2026-12-02', 'link-1');
		await t.worker.drain();
		// Before linking, AnyVisit created a second EHR patient for Ana (it had no MRN to find her by).
		const [before] = await t.inEhr(visit.id);
		const created = before!.participant[0]!.actor!.reference;
		expect(created).not.toBe(`Patient/${t.ehrAna.id}`);

		const linked = await linkEhrPatient(t.scheduler.ctx, t.deps, t.ana, t.ehrAna.id);
		expect(linked).toMatchObject({ ehrId: t.ehrAna.id, linkedTo: t.ana, mrn: 'RB200077' });
		expect((await readPatient(t.db, phi, t.ana))?.mrn).toBe('RB200077');
		await t.worker.drain();
		const [after] = await t.inEhr(visit.id);
		expect(after!.participant[0]!.actor!.reference).toBe(`Patient/${t.ehrAna.id}`);
		expect((await ehrLinkOf(t.scheduler.ctx, t.deps, t.ana)).linked).toMatchObject({
			ehrId: t.ehrAna.id,
			name: 'Ana María Castillo-Ruiz'
		});
		expect((await t.audits('ehr.patient.link')).map((a) => JSON.parse(a.details) as unknown)).toEqual([
			{ ehrId: t.ehrAna.id }
		]);
		// The identifier AnyVisit gave its own copy is still searchable (nothing deleted in the EHR).
		const ours = await t.fhir.searchAll<FhirPatient>('Patient', {
			identifier: `${identifierSystem(EHR_TEST_BASE_URL, 'patient')}|${t.ana}`
		});
		expect(ours).toHaveLength(1);
	});

	test('an EHR patient linked to someone else is refused, and nothing changes', async () => {
		const t = await setup();
		await linkEhrPatient(t.scheduler.ctx, t.deps, t.rosa.id, t.ehrRosa.id);
		const error = await appErrorOf(linkEhrPatient(t.scheduler.ctx, t.deps, t.ana, t.ehrRosa.id));
		expect(error.code).toBe('EHR_PATIENT_LINKED');
		expect((await ehrLinkOf(t.scheduler.ctx, t.deps, t.ana)).linked).toBeNull();
		expect((await readPatient(t.db, phi, t.ana))?.mrn).toBeNull();
		const [match] = await searchEhrPatients(t.scheduler.ctx, t.deps, t.ana, { mrn: 'RB100001' });
		expect(match?.linkedTo).toBe(t.rosa.id);
	});

	test('bad input: an unknown EHR patient is not found, an empty search names the field; nothing is written', async () => {
		const t = await setup();
		expect((await appErrorOf(linkEhrPatient(t.scheduler.ctx, t.deps, t.ana, 'no-such-patient'))).code).toBe(
			'NOT_FOUND'
		);
		const empty = await appErrorOf(searchEhrPatients(t.scheduler.ctx, t.deps, t.ana, {}));
		expect(empty.code).toBe('VALIDATION');
		expect(empty.fields.map((f) => f.field)).toEqual(['family']);
		expect(
			await t.db.selectFrom('ehr_links').select('local_id').where('local_id', '=', t.ana).execute()
		).toEqual([]);
	});

	test('an EHR that is down is a clear EHR_UNAVAILABLE, and nothing is written', async () => {
		const t = await setup();
		await t.sandbox.stop();
		const error = await appErrorOf(linkEhrPatient(t.scheduler.ctx, t.deps, t.ana, t.ehrAna.id));
		expect(error.code).toBe('EHR_UNAVAILABLE');
		expect(error.status).toBe(502);
		expect((await appErrorOf(searchEhrPatients(t.scheduler.ctx, t.deps, t.ana, { mrn: 'X1' }))).code).toBe(
			'EHR_UNAVAILABLE'
		);
		expect(
			await t.db.selectFrom('ehr_links').select('local_id').where('local_id', '=', t.ana).execute()
		).toEqual([]);
	});

	test('clinicians do not link patients; another clinic’s patient is not found; both refusals audited', async () => {
		const t = await setup();
		const clinician = testContext(t.db, {
			phi,
			actor: await staffActorFor(t.db, 'daniel.reyes@demo.anyvisit.test')
		});
		expect((await appErrorOf(linkEhrPatient(clinician.ctx, t.deps, t.ana, t.ehrAna.id))).code).toBe(
			'FORBIDDEN'
		);
		const elsewhere = testContext(t.db, {
			phi,
			actor: {
				kind: 'staff',
				id: t.scheduler.ctx.actor.kind === 'staff' ? t.scheduler.ctx.actor.id : '',
				organizationId: '00000000-0000-4000-8000-000000000009',
				roles: ['scheduler']
			}
		});
		expect((await appErrorOf(ehrLinkOf(elsewhere.ctx, t.deps, t.ana))).code).toBe('NOT_FOUND');
		const denied = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('outcome', '=', 'denied')
			.orderBy('seq')
			.execute();
		expect(denied.map((d) => d.action)).toEqual(['ehr.patient.link', 'ehr.link.read']);
	});
});
