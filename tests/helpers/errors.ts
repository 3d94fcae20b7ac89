import { expect } from 'vitest';
import { AppError } from '../../src/lib/server/platform/errors';

/** The AppError a service call fails with (the test fails if it succeeds or fails otherwise). */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(AppError);
	return error as AppError;
}
