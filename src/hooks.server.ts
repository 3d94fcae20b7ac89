import { randomUUID } from 'node:crypto';
import { building } from '$app/environment';
import type { Handle, HandleServerError, RequestEvent, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { directionOf, negotiateLanguage } from '$lib/i18n/languages';
import { config } from '$lib/server/platform/config';
import { authenticate } from '$lib/server/identity/authenticate';
import {
	GUEST_COOKIE,
	SESSION_COOKIE,
	clearGuestCookie,
	clearSessionCookie
} from '$lib/server/platform/http/session-cookie';
import { authenticateGuest } from '$lib/server/visits/guests';
import { tFor } from '$lib/server/platform/i18n';
import { LANGUAGE_COOKIE, languageCookieOptions } from '$lib/server/platform/http/cookies';
import { createLogger } from '$lib/server/platform/logger';
import { startRuntime, type Runtime } from '$lib/server/platform/runtime';

// The composition root: the one place that owns the running runtime.
let runtime: Runtime | undefined;
// Used only for errors raised before the runtime exists (while starting or prerendering).
const bootLogger = createLogger();

export const init: ServerInit = async () => {
	if (building) return;
	runtime = await startRuntime(config());
	const started = runtime;
	started.logger.info({ database: started.databaseKind, env: started.config.env }, 'AnyVisit is ready');
	// adapter-node emits this after it stops accepting connections (SIGINT/SIGTERM).
	process.once('sveltekit:shutdown' as 'beforeExit', () => {
		void started.close();
	});
};

function clientAddress(event: RequestEvent): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null; // prerendering has no client
	}
}

const requestContext: Handle = async ({ event, resolve }) => {
	event.locals.requestId = event.request.headers.get('x-request-id')?.slice(0, 64) || randomUUID();
	event.locals.runtime = runtime;
	event.locals.actor = { kind: 'anonymous' };
	event.locals.origin = {
		ip: clientAddress(event),
		userAgent: event.request.headers.get('user-agent'),
		requestId: event.locals.requestId
	};
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	return response;
};

/** Who is signed in: the session cookie, looked up (and its inactivity window slid) on the server. */
const session: Handle = async ({ event, resolve }) => {
	event.locals.auth = null;
	const token = event.cookies.get(SESSION_COOKIE);
	const runtime = event.locals.runtime;
	if (token && runtime) {
		const auth = await authenticate(runtime.db, runtime.phi, token, runtime.clock.now());
		event.locals.auth = auth;
		if (auth?.kind === 'staff') {
			const { staff } = auth;
			event.locals.actor = {
				kind: 'staff',
				id: staff.id,
				organizationId: staff.organizationId,
				roles: staff.roles
			};
		} else if (auth?.kind === 'patient') {
			event.locals.actor = {
				kind: 'patient',
				id: auth.patient.id,
				organizationId: auth.patient.organizationId
			};
		} else {
			clearSessionCookie(event.cookies);
		}
	}
	// A guest invited into one visit, when no one is signed in on this browser.
	const guestToken = event.cookies.get(GUEST_COOKIE);
	if (guestToken && runtime && event.locals.actor.kind === 'anonymous') {
		const guest = await authenticateGuest(runtime.db, guestToken);
		if (guest) event.locals.actor = { kind: 'guest', ...guest };
		else {
			clearGuestCookie(event.cookies);
			event.locals.guestEnded = true;
		}
	}
	return resolve(event);
};

const locale: Handle = async ({ event, resolve }) => {
	const query = building ? null : event.url.searchParams.get('lang');
	const { lang, chosen } = negotiateLanguage({
		query,
		// A signed-in patient's saved language.
		preference: event.locals.auth?.kind === 'patient' ? event.locals.auth.patient.preferredLanguage : null,
		cookie: event.cookies.get(LANGUAGE_COOKIE),
		acceptLanguage: event.request.headers.get('accept-language')
	});
	if (chosen) event.cookies.set(LANGUAGE_COOKIE, lang, languageCookieOptions());
	const dir = directionOf(lang);
	event.locals.lang = lang;
	event.locals.dir = dir;
	event.locals.t = tFor(lang);
	return resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%anyvisit.lang%', lang).replace('%anyvisit.dir%', dir)
	});
};

// Cross-site form posts (CSRF) are refused by SvelteKit's own origin check (kit.csrf, on), which
// sees each request's real scheme through scripts/serve.js.

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	headers.set('x-content-type-options', 'nosniff');
	// No referrer leaves the site, so a visit URL never leaks to another one. (`no-referrer` would
	// also make browsers send `Origin: null` on same-site form posts, defeating the CSRF check.)
	headers.set('referrer-policy', 'same-origin');
	headers.set('x-frame-options', 'DENY');
	headers.set('cross-origin-opener-policy', 'same-origin');
	headers.set('permissions-policy', 'camera=(self), microphone=(self), geolocation=(), payment=()');
	if (event.url.protocol === 'https:') {
		headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
	}
	// Pages and API answers may carry PHI: no browser or proxy keeps them.
	if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
	return response;
};

/** One access-log line and the HTTP metrics per request. The route id, never the URL: no PHI in logs. */
const accessLog: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await resolve(event);
	const runtime = event.locals.runtime;
	if (runtime) {
		const route = event.route.id ?? 'unmatched';
		const seconds = (performance.now() - started) / 1000;
		runtime.metrics.httpRequests.inc({ route, status: `${String(response.status)[0]}xx` });
		runtime.metrics.httpDuration.observe({ route }, seconds);
		runtime.logger.info(
			{
				requestId: event.locals.requestId,
				method: event.request.method,
				route,
				status: response.status,
				ms: Math.round(seconds * 1000)
			},
			'request'
		);
	}
	return response;
};

export const handle = sequence(requestContext, session, locale, securityHeaders, accessLog);

export const handleError: HandleServerError = ({ error, event, status }) => {
	const errorId = randomUUID();
	const t = event.locals.t ?? tFor('en');
	if (status === 404) return { message: t('errors:NOT_FOUND'), code: 'NOT_FOUND' };
	// Logged with an id; the response carries only the id and a generic message, never a stack.
	(runtime?.logger ?? bootLogger).error({ errorId, route: event.route.id, err: error }, 'unexpected error');
	return { message: t('errors:INTERNAL', { errorId }), code: 'INTERNAL', errorId };
};
