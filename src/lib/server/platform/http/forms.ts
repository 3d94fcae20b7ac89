import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { problemFor } from './problems';

export type FormProblem = {
	error: { code: string; message: string; fields?: { field: string; message: string }[] };
};

/** Maps a service error to a form action failure with a localized message (no stack, no PHI). */
export function formFailure(event: RequestEvent, failure: unknown): ActionFailure<FormProblem> {
	const problem = problemFor(event, failure);
	return fail(problem.status, { error: problem.body.error });
}
