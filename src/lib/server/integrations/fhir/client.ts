import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { ClientKey } from './client-key';

/** A failed FHIR interaction: the HTTP status, the server's OperationOutcome, and whether to try again. */
export class FhirError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly retryable: boolean,
		readonly outcome?: OperationOutcome
	) {
		super(message);
		this.name = 'FhirError';
	}
}

export type FhirClientOptions = {
	baseUrl: string;
	clientId: string;
	key: ClientKey;
	/** SMART v2 system scopes to ask for. */
	scope?: string;
	fetch?: typeof fetch;
	/** Per request, including the token request. */
	timeoutMs?: number;
	/** Retries after a 429, a 5xx, a timeout or a network failure. */
	maxRetries?: number;
	/** Delay before retry n (1-based); Retry-After wins when the server sends one (up to 10 s). */
	backoffMs?: (attempt: number) => number;
	now?: () => number;
};

export type WithId<T extends Resource> = T & { id: string };

const FHIR_JSON = 'application/fhir+json';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The issues of an OperationOutcome as one readable sentence (never the resource itself). */
export function outcomeMessage(outcome: OperationOutcome | undefined, fallback: string): string {
	const texts = (outcome?.issue ?? [])
		.map((issue) => issue.details?.text ?? issue.diagnostics ?? issue.code)
		.filter((t): t is string => Boolean(t));
	return texts.length ? texts.join('; ') : fallback;
}

function isOutcome(body: unknown): body is OperationOutcome {
	return typeof body === 'object' && body !== null && (body as Resource).resourceType === 'OperationOutcome';
}

/**
 * A FHIR R4 client that authenticates with SMART Backend Services: it reads the token endpoint from
 * `.well-known/smart-configuration`, signs a short-lived client assertion (RS384 or ES384), and caches
 * the access token until shortly before it expires. Transient failures are retried with backoff; a
 * refusal carries the server's OperationOutcome as a clear message.
 */
export function createFhirClient(options: FhirClientOptions) {
	const base = options.baseUrl.replace(/\/$/, '');
	const doFetch = options.fetch ?? fetch;
	const timeoutMs = options.timeoutMs ?? 10_000;
	const maxRetries = options.maxRetries ?? 3;
	const backoff = options.backoffMs ?? ((attempt: number) => 250 * 2 ** (attempt - 1));
	const now = options.now ?? (() => Date.now());
	const scope = options.scope ?? 'system/*.cruds';
	let tokenEndpoint: string | undefined;
	let cached: { token: string; expiresAt: number } | undefined;

	async function send(url: string, init: RequestInit): Promise<Response> {
		try {
			return await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
		} catch (error) {
			const timedOut =
				error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
			throw new FhirError(
				timedOut ? 'The EHR did not answer in time' : 'The EHR could not be reached',
				0,
				true
			);
		}
	}

	async function discoverTokenEndpoint(): Promise<string> {
		if (tokenEndpoint) return tokenEndpoint;
		const answer = await send(`${base}/.well-known/smart-configuration`, {
			headers: { accept: 'application/json' }
		});
		if (!answer.ok)
			throw new FhirError(
				`The EHR's SMART configuration answered HTTP ${answer.status}`,
				answer.status,
				answer.status >= 500
			);
		const config = (await answer.json().catch(() => ({}))) as { token_endpoint?: string };
		if (!config.token_endpoint) throw new FhirError('The EHR publishes no token endpoint', 502, false);
		tokenEndpoint = config.token_endpoint;
		return tokenEndpoint;
	}

	async function accessToken(): Promise<string> {
		if (cached && cached.expiresAt - 30_000 > now()) return cached.token;
		const endpoint = await discoverTokenEndpoint();
		const assertion = await new SignJWT({})
			.setProtectedHeader({ alg: options.key.alg, kid: options.key.kid, typ: 'JWT' })
			.setIssuer(options.clientId)
			.setSubject(options.clientId)
			.setAudience(endpoint)
			.setJti(randomUUID())
			.setIssuedAt(Math.floor(now() / 1000))
			.setExpirationTime(Math.floor(now() / 1000) + 240)
			.sign(options.key.privateKey);
		const answer = await send(endpoint, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				scope,
				client_assertion_type: ASSERTION_TYPE,
				client_assertion: assertion
			})
		});
		const body = (await answer.json().catch(() => ({}))) as {
			access_token?: string;
			expires_in?: number;
			error?: string;
			error_description?: string;
		};
		if (!answer.ok || !body.access_token) {
			throw new FhirError(
				`The EHR refused AnyVisit's credentials (${body.error ?? `HTTP ${answer.status}`}${body.error_description ? `: ${body.error_description}` : ''})`,
				answer.status || 401,
				answer.status >= 500
			);
		}
		cached = { token: body.access_token, expiresAt: now() + (body.expires_in ?? 300) * 1000 };
		return cached.token;
	}

	/** One interaction, with authentication, retries and OperationOutcome errors. */
	async function request<T>(
		method: string,
		path: string,
		init: { body?: unknown; headers?: Record<string, string> } = {}
	): Promise<{ status: number; body: T; headers: Headers }> {
		const url = /^https?:/.test(path) ? path : `${base}/${path.replace(/^\//, '')}`;
		let reauthenticated = false;
		for (let attempt = 0; ; attempt++) {
			let failure: FhirError;
			try {
				const answer = await send(url, {
					method,
					headers: {
						accept: FHIR_JSON,
						authorization: `Bearer ${await accessToken()}`,
						...(init.body !== undefined ? { 'content-type': FHIR_JSON } : {}),
						...init.headers
					},
					...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {})
				});
				const text = await answer.text();
				let body: unknown;
				try {
					body = text ? JSON.parse(text) : undefined;
				} catch {
					body = undefined;
					if (answer.ok) throw new FhirError('The EHR answered something that is not FHIR JSON', 502, true);
				}
				if (answer.ok) return { status: answer.status, body: body as T, headers: answer.headers };
				if (answer.status === 401 && !reauthenticated) {
					// The token may have been revoked or expired early: get a new one, once.
					cached = undefined;
					reauthenticated = true;
					attempt--;
					continue;
				}
				const retryable = answer.status === 429 || answer.status >= 500;
				failure = new FhirError(
					outcomeMessage(isOutcome(body) ? body : undefined, `The EHR answered HTTP ${answer.status}`),
					answer.status,
					retryable,
					isOutcome(body) ? body : undefined
				);
				if (retryable && attempt < maxRetries) {
					const retryAfter = Number(answer.headers.get('retry-after'));
					await new Promise((r) =>
						setTimeout(
							r,
							Number.isFinite(retryAfter) && retryAfter > 0
								? Math.min(retryAfter, 10) * 1000
								: backoff(attempt + 1)
						)
					);
					continue;
				}
			} catch (error) {
				if (!(error instanceof FhirError)) throw error;
				failure = error;
				if (failure.retryable && attempt < maxRetries) {
					await new Promise((r) => setTimeout(r, backoff(attempt + 1)));
					continue;
				}
			}
			throw failure;
		}
	}

	const query = (params: Record<string, string | number | undefined>) => {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(params)) if (v !== undefined) q.append(k, String(v));
		return q.toString();
	};

	return {
		baseUrl: base,

		async read<T extends Resource>(type: T['resourceType'], id: string): Promise<WithId<T>> {
			return (await request<WithId<T>>('GET', `${type}/${encodeURIComponent(id)}`)).body;
		},

		/** One page of a search. */
		async search<T extends Resource>(
			type: T['resourceType'],
			params: Record<string, string | number | undefined> = {}
		): Promise<Bundle<WithId<T>>> {
			return (await request<Bundle<WithId<T>>>('GET', `${type}?${query(params)}`)).body;
		},

		/** Every match, following Bundle.link next, up to `maxPages` pages. */
		async searchAll<T extends Resource>(
			type: T['resourceType'],
			params: Record<string, string | number | undefined> = {},
			options: { maxPages?: number } = {}
		): Promise<WithId<T>[]> {
			const found: WithId<T>[] = [];
			let next: string | undefined = `${type}?${query(params)}`;
			for (let page = 0; next && page < (options.maxPages ?? 20); page++) {
				const bundle: Bundle<WithId<T>> = (await request<Bundle<WithId<T>>>('GET', next)).body;
				for (const entry of bundle.entry ?? []) {
					if (entry.resource && entry.search?.mode !== 'include' && entry.resource.resourceType === type)
						found.push(entry.resource);
				}
				next = bundle.link?.find((l) => l.relation === 'next')?.url;
			}
			return found;
		},

		/**
		 * Creates a resource; with `ifNoneExist` (a search such as `identifier=system|value`) the server
		 * creates it only when nothing matches and otherwise answers the match, so a retry never duplicates.
		 */
		async create<T extends Resource>(
			resource: T,
			options: { ifNoneExist?: string } = {}
		): Promise<{ resource: WithId<T>; created: boolean }> {
			const answer = await request<WithId<T>>('POST', resource.resourceType, {
				body: resource,
				headers: options.ifNoneExist ? { 'if-none-exist': options.ifNoneExist } : {}
			});
			return { resource: answer.body, created: answer.status === 201 };
		},

		/** Replaces a resource; with `ifMatch` (a versionId) only if nobody changed it since (else 412). */
		async update<T extends Resource>(
			resource: WithId<T>,
			options: { ifMatch?: string } = {}
		): Promise<WithId<T>> {
			return (
				await request<WithId<T>>('PUT', `${resource.resourceType}/${encodeURIComponent(resource.id)}`, {
					body: resource,
					headers: options.ifMatch ? { 'if-match': `W/"${options.ifMatch}"` } : {}
				})
			).body;
		},

		/** A transaction bundle: all its entries or none. */
		async transaction(bundle: Bundle): Promise<Bundle> {
			return (await request<Bundle>('POST', '', { body: { ...bundle, type: 'transaction' } })).body;
		}
	};
}

export type FhirClient = ReturnType<typeof createFhirClient>;
