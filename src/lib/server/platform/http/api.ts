import { isHttpError, isRedirect, json, type RequestEvent } from '@sveltejs/kit';
import { AppError } from '../errors';
import { problemFor } from './problems';
import type { Runtime } from '../runtime';

/** The runtime, or a 503 while it is not available (only while prerendering at build). */
export function requireRuntime(locals: App.Locals): Runtime {
	if (!locals.runtime) throw new AppError('UNAVAILABLE');
	return locals.runtime;
}

/** Renders any error as the API's JSON problem: localized, with no stack trace. */
export function problemResponse(event: RequestEvent, error: unknown): Response {
	const problem = problemFor(event, error);
	return json(problem.body, { status: problem.status, headers: { 'content-language': event.locals.lang } });
}

/** Wraps a JSON endpoint so that every failure becomes a localized problem answer. */
export function api<E extends RequestEvent>(
	handler: (event: E) => Promise<Response>
): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await handler(event);
		} catch (error) {
			if (isRedirect(error)) throw error;
			if (isHttpError(error)) {
				return problemResponse(event, new AppError(error.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST'));
			}
			return problemResponse(event, error);
		}
	};
}
