import { randomUUID } from 'node:crypto';
import { error, type RequestEvent } from '@sveltejs/kit';
import { isAppError, toProblem, type Problem } from '../errors';

/**
 * The localized problem for any error in a request. An unexpected error is logged with a fresh id
 * (never the message to the client, never a stack); an AppError is expected and is not logged.
 */
export function problemFor(event: Pick<RequestEvent, 'locals' | 'route'>, failure: unknown): Problem {
	let errorId: string | undefined;
	if (!isAppError(failure)) {
		errorId = randomUUID();
		event.locals.runtime?.logger.error({ errorId, route: event.route.id, err: failure }, 'unexpected error');
	}
	return toProblem(failure, event.locals.t, errorId);
}

/** For page loads: shows the localized error page with the problem's status. */
export function pageError(event: Pick<RequestEvent, 'locals' | 'route'>, failure: unknown): never {
	const problem = problemFor(event, failure);
	error(problem.status, problem.body.error);
}
