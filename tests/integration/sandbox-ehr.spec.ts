import { validateResource } from '@medplum/core';
import type { Bundle, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadClientKey, type ClientKey } from '../../src/lib/server/integrations/fhir/client-key';
import { DEMO_MRN_SYSTEM, npi, seedDemoCharts } from '../../src/sandbox-ehr/demo-charts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/server';

const CLIENT_ID = 'anyvisit-test';
let dir: string;
let key: ClientKey;
let ehr: SandboxEhr;
const tokenUrl = () => `${ehr.origin}/auth/token`;

async function start() {
	return startSandboxEhr({
		port: 0,
		journalFile: path.join(dir, 'sandbox-ehr', 'journal.ndjson'),
		clients: [{ clientId: CLIENT_ID, jwks: { keys: [key.publicJwk] } }],
		seed: (repo) => seedDemoCharts(repo, new Date('2026-11-29T12:00:00Z'))
	});
}

async function assertion(claims: { aud?: string; iss?: string; expiresIn?: string; jti?: string } = {}) {
	return new SignJWT({})
		.setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
		.setIssuer(claims.iss ?? CLIENT_ID)
		.setSubject(claims.iss ?? CLIENT_ID)
		.setAudience(claims.aud ?? tokenUrl())
		.setJti(claims.jti ?? randomUUID())
		.setExpirationTime(claims.expiresIn ?? '4m')
		.sign(key.privateKey);
}

async function requestToken(clientAssertion: string, scope = 'system/*.cruds') {
	return fetch(tokenUrl(), {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			scope,
			client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
			client_assertion: clientAssertion
		})
	});
}

async function token(scope?: string): Promise<string> {
	const answer = await requestToken(await assertion(), scope);
	expect(answer.status).toBe(200);
	return ((await answer.json()) as { access_token: string }).access_token;
}

const fhir = (pathAndQuery: string, init: RequestInit = {}) =>
	fetch(`${ehr.baseUrl}/${pathAndQuery}`, {
		...init,
		headers: { 'content-type': 'application/fhir+json', ...(init.headers as Record<string, string>) }
	});

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-ehr-'));
	key = await loadClientKey({ dataDir: dir });
	ehr = await start();
});
afterAll(async () => {
	await ehr.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('the sandbox EHR', () => {
	test('answers metadata and its SMART configuration without credentials', async () => {
		const metadata = (await (await fhir('metadata')).json()) as { resourceType: string; fhirVersion: string };
		expect(metadata).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
		const smart = (await (await fhir('.well-known/smart-configuration')).json()) as Record<string, unknown>;
		expect(smart).toMatchObject({
			token_endpoint: tokenUrl(),
			token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384']
		});
	});

	test('holds each demo patient’s chart, every resource valid FHIR R4, with 90 days of home readings', async () => {
		const patients = (await (
			await fhir(`Patient?identifier=${DEMO_MRN_SYSTEM}|RB100001`)
		).json()) as Bundle<Patient>;
		expect(patients.entry?.[0]?.resource).toMatchObject({ name: [{ given: ['Rosa'], family: 'Hernández' }] });
		const everything = (await (await fhir('Patient?_count=100')).json()) as Bundle<Patient>;
		expect(everything.entry?.map((e) => e.resource?.name?.[0]?.given?.[0]).sort()).toEqual([
			'Dorothy',
			'Layla',
			'Marcus',
			'Rosa',
			'Tuan'
		]);
		const rosa = patients.entry![0]!.resource!;
		const bp = (await (
			await fhir(`Observation?subject=Patient/${rosa.id}&code=http://loinc.org|85354-9&_count=200`)
		).json()) as Bundle<Observation>;
		expect(bp.entry!.length).toBeGreaterThan(70);
		const dates = bp.entry!.map((e) => e.resource!.effectiveDateTime!).sort();
		expect(Date.parse(dates.at(-1)!) - Date.parse(dates[0]!)).toBeGreaterThan(85 * 86_400_000);
		const labs = (await (
			await fhir(`Observation?subject=Patient/${rosa.id}&category=laboratory&code=http://loinc.org|4548-4`)
		).json()) as Bundle<Observation>;
		expect(labs.entry?.[0]?.resource).toMatchObject({
			valueQuantity: { value: 8.1 },
			interpretation: [{ coding: [{ code: 'H' }] }],
			referenceRange: [{ high: { value: 5.6 } }]
		});
		for (const line of fs
			.readFileSync(path.join(dir, 'sandbox-ehr', 'journal.ndjson'), 'utf8')
			.split('\n')
			.filter(Boolean)) {
			const { resource } = JSON.parse(line) as { resource: Resource };
			expect(() => validateResource(resource)).not.toThrow();
		}
	});

	test('clinicians carry valid NPIs (Luhn over the 80840 prefix)', () => {
		expect(npi('123456789')).toBe('1234567893');
	});

	test('pages through a long search with absolute next links', async () => {
		const dorothy = ((await (await fhir('Patient?given=Dorothy')).json()) as Bundle<Patient>).entry![0]!
			.resource!;
		let url: string | undefined = `${ehr.baseUrl}/Observation?subject=Patient/${dorothy.id}&_count=25`;
		const ids = new Set<string>();
		let pages = 0;
		let total = 0;
		while (url) {
			const page = (await (await fetch(url)).json()) as Bundle<Observation>;
			total = page.total ?? total;
			for (const e of page.entry ?? []) ids.add(e.resource!.id!);
			url = page.link?.find((l) => l.relation === 'next')?.url;
			pages++;
		}
		expect(pages).toBeGreaterThan(3);
		expect(ids.size).toBe(total);
	});

	test('issues a token for a valid signed assertion, and refuses replays, wrong audiences, strangers and bad scopes', async () => {
		const once = await assertion();
		expect((await requestToken(once)).status).toBe(200);
		const replay = await requestToken(once);
		expect(replay.status).toBe(401);
		expect(await replay.json()).toMatchObject({ error: 'invalid_client' });
		expect((await requestToken(await assertion({ aud: 'https://elsewhere.example/token' }))).status).toBe(
			401
		);
		expect((await requestToken(await assertion({ iss: 'someone-else' }))).status).toBe(401);
		expect((await requestToken(await assertion({ expiresIn: '30m' }))).status).toBe(401);
		expect((await requestToken(await assertion(), 'patient/*.read')).status).toBe(400);
		expect((await requestToken('not-a-jwt')).status).toBe(400);
	});

	test('writes need a token with a write scope; an invalid resource is refused; nothing half-written', async () => {
		const patient: Patient = {
			resourceType: 'Patient',
			identifier: [{ system: 'https://anyvisit.test/patient', value: 'p-1' }],
			name: [{ family: 'Test' }]
		};
		const anonymous = await fhir('Patient', { method: 'POST', body: JSON.stringify(patient) });
		expect(anonymous.status).toBe(401);
		const readOnly = await fhir('Patient', {
			method: 'POST',
			body: JSON.stringify(patient),
			headers: { authorization: `Bearer ${await token('system/*.rs')}` }
		});
		expect(readOnly.status).toBe(403);
		const invalid = await fhir('Appointment', {
			method: 'POST',
			body: JSON.stringify({ resourceType: 'Appointment', status: 'booked', participant: [] }),
			headers: { authorization: `Bearer ${await token()}` }
		});
		expect(invalid.status).toBe(400);
		expect(((await invalid.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
		const found = (await (
			await fhir('Patient?identifier=https://anyvisit.test/patient|p-1')
		).json()) as Bundle;
		expect(found.entry ?? []).toHaveLength(0);

		const created = await fhir('Patient', {
			method: 'POST',
			body: JSON.stringify(patient),
			headers: { authorization: `Bearer ${await token()}` }
		});
		expect(created.status).toBe(201);
		expect(created.headers.get('location')).toMatch(new RegExp(`^${ehr.baseUrl}/Patient/`));
		expect(created.headers.get('etag')).toMatch(/^W\/"/);
	});

	test('keeps what was written across a restart, with the same ids and versions, and does not seed twice', async () => {
		const before = (await (
			await fhir('Patient?identifier=https://anyvisit.test/patient|p-1')
		).json()) as Bundle<Patient>;
		const kept = before.entry![0]!.resource!;
		const count = ((await (await fhir('Patient?_count=100')).json()) as Bundle).entry!.length;
		await ehr.close();
		ehr = await start();
		const after = (await (await fhir(`Patient/${kept.id}`)).json()) as Patient;
		expect(after.meta?.versionId).toBe(kept.meta?.versionId);
		expect(((await (await fhir('Patient?_count=100')).json()) as Bundle).entry!.length).toBe(count);
	});
});
