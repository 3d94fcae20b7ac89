import type { Appointment, Patient } from '@medplum/fhirtypes';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	createFhirClient,
	FhirError,
	type FhirClientOptions
} from '../../src/lib/server/integrations/fhir/client';
import { loadClientKey, type ClientKey } from '../../src/lib/server/integrations/fhir/client-key';
import { seedDemoCharts } from '../../src/sandbox-ehr/demo-charts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/server';

const CLIENT_ID = 'anyvisit';
let dir: string;
let key: ClientKey;
let ehr: SandboxEhr;

const startEhr = () =>
	startSandboxEhr({
		port: 0,
		journalFile: path.join(dir, 'journal.ndjson'),
		clients: [{ clientId: CLIENT_ID, jwks: { keys: [key.publicJwk] } }],
		seed: (repo) => seedDemoCharts(repo, new Date('2026-11-29T12:00:00Z'))
	});

/** The client, with fetch counted by path so tests can see token requests and retries. */
function client(overrides: Partial<FhirClientOptions> = {}) {
	const calls: string[] = [];
	const counting: typeof fetch = (input, init) => {
		calls.push(new URL(input instanceof Request ? input.url : input.toString()).pathname);
		return fetch(input, init);
	};
	return {
		calls,
		fhir: createFhirClient({
			baseUrl: ehr.baseUrl,
			clientId: CLIENT_ID,
			key,
			fetch: counting,
			backoffMs: () => 1,
			...overrides
		})
	};
}

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-fhir-'));
	key = await loadClientKey({ dataDir: dir });
	ehr = await startEhr();
});
afterAll(async () => {
	await ehr.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

const appointment = (value: string, patientId: string): Appointment => ({
	resourceType: 'Appointment',
	identifier: [{ system: 'http://localhost:3000/appointments', value }],
	status: 'booked',
	start: '2026-12-02T15:00:00Z',
	end: '2026-12-02T15:20:00Z',
	participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }]
});

describe('the FHIR client against the sandbox EHR', () => {
	test('reads, searches and follows next links; one token serves many requests', async () => {
		const { fhir, calls } = client();
		const [rosa] = await fhir.searchAll<Patient>('Patient', { given: 'Rosa' });
		expect(rosa?.birthDate).toBe('1979-04-12');
		expect((await fhir.read<Patient>('Patient', rosa!.id)).id).toBe(rosa!.id);
		const readings = await fhir.searchAll('Observation', { subject: `Patient/${rosa!.id}`, _count: 30 });
		const firstPage = await fhir.search('Observation', { subject: `Patient/${rosa!.id}`, _count: 30 });
		expect(readings.length).toBe(firstPage.total);
		expect(readings.length).toBeGreaterThan(60);
		expect(calls.filter((c) => c === '/auth/token')).toHaveLength(1);
		expect(calls.filter((c) => c.endsWith('smart-configuration'))).toHaveLength(1);
	});

	test('a conditional create never makes a second copy', async () => {
		const { fhir } = client();
		const [rosa] = await fhir.searchAll<Patient>('Patient', { given: 'Rosa' });
		const ifNoneExist = 'identifier=http://localhost:3000/appointments|a-1';
		const first = await fhir.create(appointment('a-1', rosa!.id), { ifNoneExist });
		const again = await fhir.create(appointment('a-1', rosa!.id), { ifNoneExist });
		expect(first.created).toBe(true);
		expect(again).toMatchObject({ created: false, resource: { id: first.resource.id } });
		const found = await fhir.searchAll('Appointment', {
			identifier: 'http://localhost:3000/appointments|a-1'
		});
		expect(found).toHaveLength(1);
	});

	test('an update with a stale version is refused with 412 and changes nothing', async () => {
		const { fhir } = client();
		const [rosa] = await fhir.searchAll<Patient>('Patient', { given: 'Rosa' });
		const { resource } = await fhir.create(appointment('a-2', rosa!.id));
		const moved = await fhir.update(
			{ ...resource, start: '2026-12-03T15:00:00Z', end: '2026-12-03T15:20:00Z' },
			{
				ifMatch: resource.meta!.versionId!
			}
		);
		expect(moved.meta?.versionId).not.toBe(resource.meta?.versionId);
		const stale = await fhir
			.update({ ...resource, status: 'cancelled' }, { ifMatch: resource.meta!.versionId! })
			.catch((e: unknown) => e);
		expect(stale).toBeInstanceOf(FhirError);
		expect(stale).toMatchObject({ status: 412, retryable: false });
		expect((await fhir.read<Appointment>('Appointment', resource.id)).status).toBe('booked');
	});

	test('an invalid resource is refused with the server’s OperationOutcome as the message', async () => {
		const { fhir } = client();
		const refused = await fhir
			.create({ resourceType: 'Appointment', status: 'booked', participant: [] })
			.catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(FhirError);
		expect(refused).toMatchObject({ status: 400, retryable: false });
		expect((refused as FhirError).message).toMatch(/Missing required property|app-3/);
		expect((refused as FhirError).outcome?.resourceType).toBe('OperationOutcome');
	});

	test('a transaction writes all its entries', async () => {
		const { fhir } = client();
		const result = await fhir.transaction({
			resourceType: 'Bundle',
			type: 'transaction',
			entry: [
				{
					fullUrl: 'urn:uuid:4a1d0c1e-2f1b-4c55-9d1e-0c1b0f0a0001',
					resource: { resourceType: 'Patient', name: [{ family: 'Transaction' }] },
					request: { method: 'POST', url: 'Patient' }
				},
				{
					resource: appointment('a-3', 'placeholder'),
					request: { method: 'POST', url: 'Appointment' }
				}
			]
		});
		expect(result.type).toBe('transaction-response');
		expect(result.entry?.map((e) => e.response?.status?.slice(0, 3))).toEqual(['201', '201']);
	});

	test('after the EHR forgets its tokens (a restart) the client signs in again, once, and goes on', async () => {
		const { fhir, calls } = client();
		await fhir.search('Patient', { given: 'Rosa' });
		const port = Number(new URL(ehr.origin).port);
		await ehr.close();
		ehr = await startSandboxEhr({
			port,
			journalFile: path.join(dir, 'journal.ndjson'),
			clients: [{ clientId: CLIENT_ID, jwks: { keys: [key.publicJwk] } }]
		});
		expect((await fhir.search('Patient', { given: 'Rosa' })).entry).toHaveLength(1);
		expect(calls.filter((c) => c === '/auth/token')).toHaveLength(2);
		// The first try may also meet the old server's closed keep-alive connection: a network failure, retried.
		expect(calls.filter((c) => c.endsWith('/Patient')).length).toBeGreaterThanOrEqual(3);
	});

	test('a client whose key the EHR does not know is refused with a clear message', async () => {
		const stranger = await loadClientKey({
			dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-other-'))
		});
		const { fhir } = client({ key: stranger });
		const refused = await fhir.create({ resourceType: 'Patient' }).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(FhirError);
		expect((refused as FhirError).message).toContain('invalid_client');
	});
});

describe('the FHIR client against a failing EHR', () => {
	/** A scripted EHR: SMART discovery and tokens work; FHIR requests get the scripted answers in turn. */
	async function scripted(answers: ((res: http.ServerResponse) => void)[]) {
		let fhirCalls = 0;
		const server = http.createServer((req, res) => {
			if (req.url?.endsWith('/.well-known/smart-configuration')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ token_endpoint: `${origin}/token` }));
			} else if (req.url === '/token') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ access_token: 't', expires_in: 300 }));
			} else {
				const answer = answers[Math.min(fhirCalls, answers.length - 1)]!;
				fhirCalls++;
				answer(res);
			}
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const fhir = createFhirClient({
			baseUrl: `${origin}/fhir/R4`,
			clientId: 'x',
			key,
			backoffMs: () => 1,
			timeoutMs: 300,
			maxRetries: 2
		});
		return {
			fhir,
			calls: () => fhirCalls,
			close: () =>
				new Promise<void>((r) => {
					server.closeAllConnections();
					server.close(() => r());
				})
		};
	}
	const status = (code: number, body?: unknown) => (res: http.ServerResponse) => {
		res.writeHead(code, { 'content-type': 'application/fhir+json' });
		res.end(body === undefined ? '' : JSON.stringify(body));
	};

	test('429 and 503 are retried and the read then succeeds', async () => {
		const ehrStub = await scripted([
			status(429),
			status(503),
			status(200, { resourceType: 'Patient', id: 'p' })
		]);
		expect((await ehrStub.fhir.read('Patient', 'p')).id).toBe('p');
		expect(ehrStub.calls()).toBe(3);
		await ehrStub.close();
	});

	test('an EHR that stays down fails after the retries, as retryable, with its OperationOutcome', async () => {
		const outcome = {
			resourceType: 'OperationOutcome',
			issue: [{ severity: 'error', code: 'transient', details: { text: 'Database unavailable' } }]
		};
		const ehrStub = await scripted([status(503, outcome)]);
		const failure = await ehrStub.fhir.read('Patient', 'p').catch((e: unknown) => e);
		expect(failure).toMatchObject({ status: 503, retryable: true, message: 'Database unavailable' });
		expect(ehrStub.calls()).toBe(3);
		await ehrStub.close();
	});

	test('garbage instead of FHIR JSON, and silence past the timeout, are failures to retry', async () => {
		const garbage = await scripted([
			(res) => {
				res.writeHead(200);
				res.end('<html>proxy error</html>');
			}
		]);
		expect(await garbage.fhir.read('Patient', 'p').catch((e: unknown) => e)).toMatchObject({
			retryable: true,
			message: 'The EHR answered something that is not FHIR JSON'
		});
		await garbage.close();
		const silent = await scripted([() => undefined]);
		expect(await silent.fhir.read('Patient', 'p').catch((e: unknown) => e)).toMatchObject({
			status: 0,
			retryable: true,
			message: 'The EHR did not answer in time'
		});
		await silent.close();
	});

	test('a 404 is not retried', async () => {
		const ehrStub = await scripted([
			status(404, {
				resourceType: 'OperationOutcome',
				issue: [{ severity: 'error', code: 'not-found', details: { text: 'Not found' } }]
			})
		]);
		expect(await ehrStub.fhir.read('Patient', 'nope').catch((e: unknown) => e)).toMatchObject({
			status: 404,
			retryable: false,
			message: 'Not found'
		});
		expect(ehrStub.calls()).toBe(1);
		await ehrStub.close();
	});
});
