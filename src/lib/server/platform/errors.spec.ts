import { describe, expect, test } from 'vitest';
import { AppError, ERROR_STATUS, toProblem, validationFailed } from './errors';
import { tFor } from './i18n';

describe('one error vocabulary', () => {
	test.each(Object.entries(ERROR_STATUS))('%s maps to HTTP %i with an English message', (code, status) => {
		const problem = toProblem(new AppError(code as keyof typeof ERROR_STATUS), tFor('en'));
		expect(problem.status).toBe(status);
		expect(problem.body.error.code).toBe(code);
		expect(problem.body.error.message).not.toContain('errors:');
	});

	test('the message is in the request’s language', () => {
		const es = toProblem(new AppError('NOT_FOUND'), tFor('es'));
		const en = toProblem(new AppError('NOT_FOUND'), tFor('en'));
		expect(es.body.error.message).not.toBe(en.body.error.message);
		expect(
			toProblem(new AppError('PAYLOAD_TOO_LARGE', { max: 1024 }), tFor('ar')).body.error.message
		).toContain('1024');
	});

	test('field problems are localized one by one', () => {
		const problem = toProblem(
			validationFailed([
				{ field: 'note', key: 'errors:field.too_long', params: { max: 500 } },
				{ field: 'extra', key: 'errors:field.unknown' }
			]),
			tFor('en')
		);
		expect(problem.status).toBe(422);
		expect(problem.body.error.fields).toEqual([
			{ field: 'note', message: 'Use at most 500 characters.' },
			{ field: 'extra', message: 'This field is not recognized.' }
		]);
	});

	test('an unexpected error becomes a generic 500 with a reference and none of its own text', () => {
		const secret = new Error('relation "patients" does not exist at /srv/app/db.ts:12');
		const problem = toProblem(secret, tFor('en'), 'ref-123');
		expect(problem.status).toBe(500);
		expect(problem.body.error).toMatchObject({ code: 'INTERNAL', errorId: 'ref-123' });
		expect(problem.body.error.message).toContain('ref-123');
		expect(JSON.stringify(problem)).not.toContain('patients');
		expect(JSON.stringify(problem)).not.toContain('db.ts');
	});
});
