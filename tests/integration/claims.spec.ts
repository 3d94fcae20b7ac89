import { validateResource } from '@medplum/core';
import type { Claim, Patient, Practitioner } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { claimFile, claimsTransport, enqueueClaim } from '../../src/lib/server/billing/claims';
import { seedDemoCoverages } from '../../src/lib/server/eligibility/demo';
import {
	ClearinghouseError,
	sandboxClearinghouse,
	type Clearinghouse
} from '../../src/lib/server/integrations/x12/clearinghouse';
import { element, query, readInterchange } from '../../src/lib/server/integrations/x12/x12';
import { createOutboxWorker } from '../../src/lib/server/platform/outbox/worker';
import type { Appointment } from '../../src/lib/server/scheduling/repository';
import { DEMO_MRN_SYSTEM } from '../../src/sandbox-ehr/demo-charts';
import { staffActorFor } from '../factories';
import { captureLogger, testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';
import { ehrSyncHarness, useTestEhr } from '../helpers/ehr';
import { appErrorOf } from '../helpers/errors';

describe.each(DATABASE_KINDS)('approved claims go out through the outbox on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();
	const testEhr = useTestEhr();

	/** Rosa's visit with a claim the biller approved (approval itself: notes.spec.ts), and a claims worker. */
	async function approved(clearinghouse: Pick<Clearinghouse, 'submitClaims'> = sandboxClearinghouse()) {
		const t = await ehrSyncHarness(database().db, phi, await testEhr());
		const visit: Appointment = await t.book('Rosa', 'TX', '2026-12-02', `claim-${randomUUID()}`);
		await seedDemoCoverages(t.db, phi, visit.organizationId, t.scheduler.clock.now());
		const biller = await staffActorFor(t.db, 'biller@demo.anyvisit.test');
		const claimId = randomUUID();
		await t.db.transaction().execute(async (tx) => {
			const key = await phi.newDataKey(tx);
			await tx
				.insertInto('claims')
				.values({
					id: claimId,
					appointment_id: visit.id,
					organization_id: visit.organizationId,
					status: 'approved',
					service_code: '99213',
					modifiers: JSON.stringify(['93']),
					pos: '10',
					diagnoses: JSON.stringify(['I10', 'E119']),
					claim_number: 'AVTESTCLAIM00001',
					suggested: null,
					data_key_id: key.id,
					override_reason_enc: null,
					approved_by: biller.id,
					approved_at: t.scheduler.clock.now()
				})
				.execute();
			await enqueueClaim(
				tx,
				phi,
				{ id: claimId, organizationId: visit.organizationId },
				t.scheduler.clock.now()
			);
		});
		const transport = claimsTransport({
			...t.deps,
			clearinghouse,
			sender: 'ANYVISIT',
			receiver: 'SBXCLEARING',
			usage: 'T'
		});
		const worker = createOutboxWorker({
			db: t.db,
			clock: t.scheduler.clock,
			phi,
			logger: captureLogger().logger,
			transports: [transport],
			batchSize: 10,
			pollMs: 50
		});
		const as = (actor: Awaited<ReturnType<typeof staffActorFor>>) =>
			testContext(t.db, { phi, actor, now: t.scheduler.clock.now().toISOString() }).ctx;
		const outbox = () =>
			t.db
				.selectFrom('outbox')
				.select(['status', 'attempts', 'last_error'])
				.where('channel', '=', 'claims')
				.executeTakeFirstOrThrow();
		const claim = () =>
			t.db
				.selectFrom('claims')
				.select(['status', 'submitted_at'])
				.where('id', '=', claimId)
				.executeTakeFirstOrThrow();
		const kept = () => t.db.selectFrom('claim_submissions').selectAll().execute();
		return { ...t, visit, claimId, worker, transport, biller: as(biller), as, outbox, claim, kept };
	}

	test('the claim reaches the clearinghouse as an 837P with the approved POS and modifiers, and a valid FHIR Claim, both kept for download', async () => {
		const t = await approved();
		await t.worker.drain();
		expect(await t.outbox()).toMatchObject({ status: 'delivered' });
		expect((await t.claim()).status).toBe('submitted');
		const [submission, ...more] = await t.kept();
		expect(more).toEqual([]);
		expect(submission?.receipt).toBe(`SANDBOX-${submission?.interchange}`);

		const x12 = (await claimFile(t.biller, t.visit.id, 'x12')).body;
		const read = readInterchange(x12);
		if (!read.ok) throw new Error(`the 837P does not parse back: ${read.reason}`);
		const segments = read.read.segments;
		const find = (tag: string, first?: string) =>
			segments.find((s) => s.tag === tag && (first === undefined || element(s, 1) === first))!;
		expect(element(read.read.st, 1)).toBe('837');
		expect(element(find('CLM'), 1)).toBe('AVTESTCLAIM00001');
		expect(element(find('CLM'), 5)).toBe('10:B:1');
		expect(element(find('SV1'), 1)).toBe('HC:99213:93');
		expect(element(find('SV1'), 2)).toBe('135');
		expect(element(find('HI'), 1)).toBe('ABK:I10');
		expect(element(find('HI'), 2)).toBe('ABF:E119');
		// The clinic bills (2010AA); the visit's clinician renders (2310B, named as the EHR has them).
		expect(element(find('NM1', '85'), 9)).toBe('1987654328');
		expect(find('REF', 'EI').elements[1]).toBe('841234567');
		const clinician = await t.db
			.selectFrom('staff')
			.select('npi')
			.where('id', '=', t.visit.clinicianId)
			.executeTakeFirstOrThrow();
		const [practitioner] = await t.fhir.searchAll<Practitioner>('Practitioner', {
			identifier: `http://hl7.org/fhir/sid/us-npi|${clinician.npi}`
		});
		expect([element(find('NM1', '82'), 3), element(find('NM1', '82'), 9)]).toEqual([
			practitioner!.name![0]!.family!.toUpperCase(),
			clinician.npi
		]);
		expect(element(find('SBR'), 9)).toBe('MC');
		expect(element(find('NM1', 'IL'), 9)).toBe('ACT-TH-520117');
		// Her address and sex come from the EHR's chart.
		expect(query(read.read, 'N301:NM101["IL"]')).toEqual(['1412 PECAN HOLLOW DR']);
		expect(element(find('DMG'), 3)).toBe('F');

		const resource = JSON.parse((await claimFile(t.biller, t.visit.id, 'fhir')).body) as Claim;
		expect(() => validateResource(resource)).not.toThrow();
		const [rosa] = await t.fhir.searchAll<Patient>('Patient', { identifier: `${DEMO_MRN_SYSTEM}|RB100001` });
		expect(resource.patient.reference).toBe(`Patient/${rosa!.id}`);
		expect(resource.item?.[0]).toMatchObject({
			productOrService: { coding: [{ code: '99213' }] },
			modifier: [{ coding: [{ code: '93' }] }],
			locationCodeableConcept: { coding: [{ code: '10' }] },
			servicedDate: '2026-12-02',
			net: { value: 135, currency: 'USD' }
		});
		expect(resource.diagnosis?.map((d) => d.diagnosisCodeableConcept?.coding?.[0]?.code)).toEqual([
			'I10',
			'E11.9'
		]);
		// Each download is audited; what was sent is sealed at rest.
		expect(
			await t.db
				.selectFrom('audit_log')
				.select('action')
				.where('action', '=', 'billing.claim.download')
				.execute()
		).toHaveLength(2);
		expect(submission?.x12_enc).not.toContain('ROSA');

		// A second delivery of the same message resends the same interchange and keeps one submission.
		await t.transport.deliver({
			id: randomUUID(),
			channel: 'claims',
			idempotencyKey: `claim:${t.claimId}`,
			attempts: 1,
			dataKeyId: randomUUID(),
			payload: { kind: 'claim', claimId: t.claimId }
		});
		expect((await t.kept()).map((s) => s.interchange)).toEqual([submission?.interchange]);
	});

	test('a clinic without its billing NPI is a dead letter naming it, and nothing is sent or kept', async () => {
		const t = await approved();
		await t.db.updateTable('organizations').set({ billing_npi: null }).execute();
		await t.worker.drain();
		const message = await t.outbox();
		expect(message.status).toBe('dead');
		expect(message.last_error).toContain('the clinic has no billing NPI, tax id or address');
		expect(message.last_error).not.toContain('Rosa');
		expect(await t.kept()).toEqual([]);
		expect(await t.claim()).toEqual({ status: 'approved', submitted_at: null });
		expect((await appErrorOf(claimFile(t.biller, t.visit.id, 'x12'))).code).toBe('NOT_FOUND');
	});

	test('an EHR that is down or a busy clearinghouse is retried; a refused batch is a dead letter', async () => {
		let answer: () => Promise<{ receipt: string }> = () =>
			Promise.reject(new ClearinghouseError('The clearinghouse answered HTTP 503', 503, true));
		const t = await approved({ submitClaims: () => answer() });
		await t.sandbox.stop();
		await t.worker.drain();
		expect(await t.outbox()).toMatchObject({ status: 'pending', attempts: 1 });
		expect(await t.kept()).toEqual([]);

		await t.sandbox.restart(Number(new URL(t.sandbox.ehr.baseUrl).port));
		t.scheduler.clock.advance(60 * 60_000);
		await t.worker.drain();
		// Built and kept, but the clearinghouse was busy: still approved, to be sent again.
		expect(await t.outbox()).toMatchObject({ status: 'pending', attempts: 2 });
		expect(await t.kept()).toHaveLength(1);
		expect((await t.claim()).status).toBe('approved');

		answer = () =>
			Promise.reject(
				new ClearinghouseError(
					'The clearinghouse refused the request (CORE ErrorCode UnAuthorized)',
					200,
					false
				)
			);
		t.scheduler.clock.advance(60 * 60_000);
		await t.worker.drain();
		expect(await t.outbox()).toMatchObject({ status: 'dead' });
		expect((await t.claim()).status).toBe('approved');
	});

	test('only billers download claims, and only their clinic’s', async () => {
		const t = await approved();
		await t.worker.drain();
		const clinician = await staffActorFor(t.db, 'maya.okafor@demo.anyvisit.test');
		expect((await appErrorOf(claimFile(t.as(clinician), t.visit.id, 'x12'))).code).toBe('FORBIDDEN');
		const elsewhere = await staffActorFor(t.db, 'biller@demo.anyvisit.test');
		const other = { ...elsewhere, organizationId: randomUUID() };
		expect((await appErrorOf(claimFile(t.as(other), t.visit.id, 'x12'))).code).toBe('NOT_FOUND');
	});
});
