import { getStatus, normalizeOperationOutcome, OperationOutcomeError, validateResource } from '@medplum/core';
import { FhirRouter, type HttpMethod } from '@medplum/fhir-router';
import type { CapabilityStatement, OperationOutcome, Resource } from '@medplum/fhirtypes';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadFhirDefinitions } from './definitions';
import { JournalRepository } from './journal';
import { createSmartAuth, type RegisteredClient } from './smart';

export const FHIR_BASE_PATH = '/fhir/R4';
const TOKEN_PATH = '/auth/token';
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export type SandboxEhrOptions = {
	port: number;
	host?: string;
	/** Where the journal lives (DATA_DIR/sandbox-ehr). */
	journalFile: string;
	clients: RegisteredClient[];
	/** Added to every FHIR request, to measure and test a slow EHR (0 by default). */
	latencyMs?: number;
	/** Runs once on an empty repository, before the server listens (the demo charts). */
	seed?: (repo: JournalRepository) => Promise<void>;
	now?: () => number;
	/** What the sandbox's HL7 listener received, served at GET /hl7/messages. */
	hl7Messages?: () => unknown[];
};

export type SandboxEhr = {
	/** http://host:port */
	origin: string;
	/** The FHIR base URL, origin + /fhir/R4 */
	baseUrl: string;
	repo: JournalRepository;
	close(): Promise<void>;
};

function outcome(
	status: number,
	code: NonNullable<OperationOutcome['issue']>[number]['code'],
	text: string
): { status: number; body: OperationOutcome } {
	return {
		status,
		body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] }
	};
}

function capabilityStatement(baseUrl: string, tokenUrl: string): CapabilityStatement {
	const interactions = [
		'read',
		'vread',
		'update',
		'patch',
		'delete',
		'history-instance',
		'create',
		'search-type'
	];
	return {
		resourceType: 'CapabilityStatement',
		status: 'active',
		date: '2026-11-29',
		kind: 'instance',
		fhirVersion: '4.0.1',
		format: ['json'],
		software: { name: 'AnyVisit sandbox EHR (Medplum FHIR router)' },
		implementation: { description: 'Development EHR for AnyVisit', url: baseUrl },
		rest: [
			{
				mode: 'server',
				security: {
					service: [
						{
							coding: [
								{
									system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
									code: 'SMART-on-FHIR'
								}
							]
						}
					],
					extension: [
						{
							url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
							extension: [{ url: 'token', valueUri: tokenUrl }]
						}
					]
				},
				interaction: [{ code: 'transaction' }, { code: 'batch' }],
				resource: [
					'Patient',
					'Practitioner',
					'Organization',
					'Appointment',
					'Encounter',
					'Observation',
					'Condition',
					'AllergyIntolerance',
					'MedicationStatement',
					'MedicationRequest',
					'DocumentReference',
					'ServiceRequest'
				].map((type) => ({
					type: type as 'Patient',
					interaction: interactions.map((code) => ({ code: code as 'read' })),
					conditionalCreate: true,
					conditionalUpdate: true,
					versioning: 'versioned-update' as const
				}))
			}
		]
	};
}

/** Every resource a request would write: the body, or each entry of a batch or transaction. */
function resourcesToValidate(body: unknown): Resource[] {
	if (!body || typeof body !== 'object' || !('resourceType' in body)) return [];
	const resource = body as Resource;
	if (resource.resourceType === 'Bundle' && (resource.type === 'transaction' || resource.type === 'batch')) {
		return resource.entry?.flatMap((e) => (e.resource ? [e.resource] : [])) ?? [];
	}
	if (resource.resourceType === 'Parameters') return [];
	return [resource];
}

function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new Error('too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * The sandbox EHR: a real FHIR R4 server (Medplum's FhirRouter over a journaled in-memory repository)
 * with a SMART Backend Services token endpoint. Anyone may read (it holds synthetic demo charts and
 * answers acceptance tests without credentials); every write needs a bearer token with a write scope,
 * so the app's authentication code runs in development exactly as against a production EHR. Every
 * resource written is validated against the R4 base definitions first.
 */
export async function startSandboxEhr(options: SandboxEhrOptions): Promise<SandboxEhr> {
	loadFhirDefinitions();
	const repo = await JournalRepository.open(options.journalFile);
	if (options.seed) {
		const existing = await repo.search({ resourceType: 'Patient', count: 1 });
		if (!existing.entry?.length) await options.seed(repo);
	}
	const router = new FhirRouter();
	let origin = '';
	const auth = createSmartAuth({
		tokenUrl: () => `${origin}${TOKEN_PATH}`,
		clients: options.clients,
		now: options.now
	});

	const server = http.createServer((req, res) => {
		void handle(req, res).catch(() => {
			if (!res.headersSent) send(res, outcome(500, 'exception', 'The sandbox EHR failed'));
		});
	});

	function send(
		res: http.ServerResponse,
		answer: { status: number; body: unknown },
		headers: Record<string, string> = {}
	) {
		res.writeHead(answer.status, { 'content-type': FHIR_JSON, ...headers });
		res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', origin);
		const smart = auth;
		if (url.pathname === TOKEN_PATH && req.method === 'POST') {
			const answer = await smart.token(new URLSearchParams(await readBody(req)));
			res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
			res.end(JSON.stringify(answer.body));
			return;
		}
		if (url.pathname === '/hl7/messages' && req.method === 'GET' && options.hl7Messages) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ messages: options.hl7Messages() }));
			return;
		}
		if (!url.pathname.startsWith(FHIR_BASE_PATH)) return send(res, outcome(404, 'not-found', 'Not found'));
		const path = url.pathname.slice(FHIR_BASE_PATH.length).replace(/^\//, '');
		if (path === '.well-known/smart-configuration') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(smart.configuration()));
			return;
		}
		if (path === 'metadata') {
			return send(res, {
				status: 200,
				body: capabilityStatement(`${origin}${FHIR_BASE_PATH}`, `${origin}${TOKEN_PATH}`)
			});
		}
		if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));

		const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
		const writes = method !== 'GET' && method !== 'HEAD';
		const grant = smart.grantFor(req.headers.authorization);
		if (req.headers.authorization && !grant) {
			return send(res, outcome(401, 'login', 'The access token is not valid'), {
				'www-authenticate': 'Bearer'
			});
		}
		if (writes && !grant) {
			return send(res, outcome(401, 'login', 'Writing needs a SMART Backend Services access token'), {
				'www-authenticate': 'Bearer'
			});
		}
		if (writes && grant && !smart.mayWrite(grant)) {
			return send(res, outcome(403, 'forbidden', 'The token’s scopes do not allow writing'));
		}

		let body: unknown;
		if (writes) {
			let text: string;
			try {
				text = await readBody(req);
			} catch {
				return send(res, outcome(413, 'too-costly', 'The request is too large'));
			}
			if (text) {
				try {
					body = JSON.parse(text);
				} catch {
					return send(res, outcome(400, 'structure', 'The body is not JSON'));
				}
			}
			try {
				for (const resource of resourcesToValidate(body)) validateResource(resource);
			} catch (error) {
				const issue =
					error instanceof OperationOutcomeError ? error.outcome : normalizeOperationOutcome(error);
				return send(res, { status: 400, body: issue });
			}
		}

		const headers = Object.fromEntries(
			Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k.toLowerCase(), v]] : []))
		);
		const [result, resource] = await router.handleRequest(
			{
				method,
				url: `${path}${url.search}`,
				pathname: '',
				params: {},
				query: Object.fromEntries(url.searchParams),
				body,
				headers,
				config: { searchOnReader: false }
			},
			repo
		);
		const status = getStatus(result);
		if (!resource) return send(res, { status, body: result });
		const extra: Record<string, string> = {};
		if (resource.meta?.versionId) extra.etag = `W/"${resource.meta.versionId}"`;
		if (resource.meta?.lastUpdated)
			extra['last-modified'] = new Date(resource.meta.lastUpdated).toUTCString();
		if (status === 201 && resource.id)
			extra.location = `${origin}${FHIR_BASE_PATH}/${resource.resourceType}/${resource.id}`;
		const answer =
			method === 'GET'
				? withPageLinks(resource, `${origin}${FHIR_BASE_PATH}`, path, url.searchParams)
				: resource;
		send(res, { status, body: answer }, extra);
	}

	await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '::', resolve));
	const { port } = server.address() as AddressInfo;
	origin = `http://localhost:${port}`;
	return {
		origin,
		baseUrl: `${origin}${FHIR_BASE_PATH}`,
		repo,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

const DEFAULT_PAGE = 20;

/**
 * Search results link to themselves and to the next page with absolute URLs (Bundle.link self and
 * next, FHIR R4 §3.1.1.3.5), which is how clients page through a long result.
 */
function withPageLinks(resource: Resource, baseUrl: string, path: string, query: URLSearchParams): Resource {
	if (resource.resourceType !== 'Bundle' || resource.type !== 'searchset') return resource;
	const count = Number(query.get('_count') ?? DEFAULT_PAGE);
	const offset = Number(query.get('_offset') ?? 0);
	const shown = resource.entry?.filter((e) => e.search?.mode !== 'include').length ?? 0;
	const link = [{ relation: 'self', url: `${baseUrl}/${path}?${query.toString()}` }];
	const more = resource.total !== undefined ? offset + shown < resource.total : shown >= count;
	if (more && shown > 0) {
		const next = new URLSearchParams(query);
		next.set('_offset', String(offset + shown));
		next.set('_count', String(count));
		link.push({ relation: 'next', url: `${baseUrl}/${path}?${next.toString()}` });
	}
	return { ...resource, link };
}
