import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { randomBytes } from 'node:crypto';

/** A client the sandbox knows: its id and the public keys its assertions are signed with. */
export type RegisteredClient = { clientId: string; jwks: JSONWebKeySet };

type Grant = { clientId: string; scope: string; expiresAt: number };
type TokenAnswer = { status: number; body: Record<string, unknown> };

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const TOKEN_LIFETIME_S = 300;
// SMART v2 system scopes (system/Patient.rs, system/*.cruds) and the v1 forms (system/*.read).
const SCOPE = /^system\/(\*|[A-Z][A-Za-z]+)\.(\*|read|write|c?r?u?d?s?)$/;

/**
 * SMART Backend Services (hl7.org/fhir/smart-app-launch/backend-services.html) as an EHR implements
 * it: a client proves itself with a JWT signed by its private key (RS384 or ES384), addressed to the
 * token endpoint, valid at most five minutes and never replayed (jti); it gets a short-lived bearer token.
 */
export function createSmartAuth(options: {
	/** The token endpoint's URL (known once the server listens). */
	tokenUrl: () => string;
	clients: RegisteredClient[];
	now?: () => number;
}) {
	const now = options.now ?? (() => Date.now());
	const clients = new Map(options.clients.map((c) => [c.clientId, createLocalJWKSet(c.jwks)]));
	const grants = new Map<string, Grant>();
	const seenJti = new Map<string, number>();
	const refuse = (status: number, error: string, description: string): TokenAnswer => ({
		status,
		body: { error, error_description: description }
	});

	return {
		/** .well-known/smart-configuration */
		configuration() {
			return {
				token_endpoint: options.tokenUrl(),
				grant_types_supported: ['client_credentials'],
				token_endpoint_auth_methods_supported: ['private_key_jwt'],
				token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
				scopes_supported: ['system/*.rs', 'system/*.cruds', 'system/*.read', 'system/*.write'],
				capabilities: ['client-confidential-asymmetric']
			};
		},

		/** The token endpoint: a form post, answered as RFC 6749 §5 says. */
		async token(form: URLSearchParams): Promise<TokenAnswer> {
			if (form.get('grant_type') !== 'client_credentials')
				return refuse(400, 'unsupported_grant_type', 'Only client_credentials is supported');
			if (form.get('client_assertion_type') !== ASSERTION_TYPE || !form.get('client_assertion'))
				return refuse(400, 'invalid_request', 'A JWT client assertion is required');
			const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
			if (scopes.length === 0 || scopes.some((s) => !SCOPE.test(s)))
				return refuse(400, 'invalid_scope', 'Ask for system scopes, e.g. system/*.cruds');
			const assertion = form.get('client_assertion')!;
			let clientId: string;
			try {
				const [, payloadPart] = assertion.split('.');
				clientId = String(
					(JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString()) as { iss?: string }).iss
				);
			} catch {
				return refuse(400, 'invalid_request', 'The client assertion is not a JWT');
			}
			const keys = clients.get(clientId);
			if (!keys) return refuse(401, 'invalid_client', 'Unknown client');
			try {
				const { payload } = await jwtVerify(assertion, keys, {
					issuer: clientId,
					subject: clientId,
					audience: options.tokenUrl(),
					algorithms: ['RS384', 'ES384'],
					currentDate: new Date(now()),
					requiredClaims: ['exp', 'jti']
				});
				const expiresIn = (payload.exp ?? 0) * 1000 - now();
				if (expiresIn > 5 * 60_000)
					return refuse(401, 'invalid_client', 'The assertion may live five minutes at most');
				for (const [jti, until] of seenJti) if (until < now()) seenJti.delete(jti);
				if (seenJti.has(String(payload.jti)))
					return refuse(401, 'invalid_client', 'The assertion was already used');
				seenJti.set(String(payload.jti), (payload.exp ?? 0) * 1000);
			} catch {
				return refuse(401, 'invalid_client', 'The client assertion could not be verified');
			}
			const accessToken = randomBytes(32).toString('base64url');
			const scope = scopes.join(' ');
			grants.set(accessToken, { clientId, scope, expiresAt: now() + TOKEN_LIFETIME_S * 1000 });
			return {
				status: 200,
				body: { access_token: accessToken, token_type: 'bearer', expires_in: TOKEN_LIFETIME_S, scope }
			};
		},

		/** The grant behind an Authorization header, or null when there is none or it is not valid now. */
		grantFor(authorization: string | undefined): Grant | null {
			const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
			const grant = token ? grants.get(token) : undefined;
			if (!grant || grant.expiresAt <= now()) return null;
			return grant;
		},

		/** True when the grant's scopes allow writing. */
		mayWrite(grant: Grant): boolean {
			return grant.scope.split(' ').some((scope) => {
				const permission = scope.split('.')[1] ?? '';
				return permission === '*' || permission === 'write' || /[cud]/.test(permission);
			});
		}
	};
}

export type SmartAuth = ReturnType<typeof createSmartAuth>;
