import { randomUUID } from 'node:crypto';
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { isAppError, toProblem } from '../errors';

export type FormProblem = {
	error: { code: string; message: string; fields?: { field: string; message: string }[] };
};

/** Maps a service error to a form action failure with a localized message (no stack, no PHI). */
export function formFailure(event: RequestEvent, error: unknown): ActionFailure<FormProblem> {
	let errorId: string | undefined;
	if (!isAppError(error)) {
		errorId = randomUUID();
		event.locals.runtime?.logger.error(
			{ errorId, route: event.route.id, err: error },
			'unexpected form error'
		);
	}
	const problem = toProblem(error, event.locals.t, errorId);
	return fail(problem.status, { error: problem.body.error });
}
