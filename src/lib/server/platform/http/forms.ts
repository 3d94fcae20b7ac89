import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { problemFor } from './problems';

export type FormProblem = {
	error: { code: string; message: string; fields?: { field: string; message: string }[] };
};

/**
 * Maps a service error to a form action failure with a localized message (no stack, no PHI).
 * `echo` carries back non-sensitive fields so the person need not type them again.
 */
export function formFailure<E extends Record<string, string> = Record<never, string>>(
	event: RequestEvent,
	failure: unknown,
	echo?: E
): ActionFailure<FormProblem & Partial<E>> {
	const problem = problemFor(event, failure);
	return fail(problem.status, { error: problem.body.error, ...echo } as FormProblem & Partial<E>);
}

/** A text field of a posted form ('' when missing or a file). */
export function formText(form: FormData, name: string): string {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
}
