import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { AppError } from '../errors';
import { plainText, readJson } from './validation';

const Body = v.strictObject({ note: plainText(20), count: v.optional(v.number()) });

function request(body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) {
	return new Request('http://localhost/api', {
		method: 'POST',
		body,
		headers,
		duplex: 'half'
	} as RequestInit);
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof AppError) return error;
		throw error;
	}
	throw new Error('expected a failure');
}

describe('reading a JSON body', () => {
	test('a valid body is parsed and trimmed', async () => {
		await expect(readJson(request('{"note":"  call back  ","count":2}'), Body)).resolves.toEqual({
			note: 'call back',
			count: 2
		});
	});

	test.each([
		['{"note": "x"', 'MALFORMED_JSON', 400],
		['', 'MALFORMED_JSON', 400],
		['{"note": 5}', 'VALIDATION', 422],
		['{"note": "ok", "count": "2"}', 'VALIDATION', 422],
		['{"note": "ok", "admin": true}', 'VALIDATION', 422],
		['{"note": "<script>alert(1)</script>"}', 'VALIDATION', 422],
		['{"note": "a\\u0000b"}', 'VALIDATION', 422],
		['{"note": "   "}', 'VALIDATION', 422],
		['{"note": "012345678901234567890"}', 'VALIDATION', 422],
		['[1,2]', 'VALIDATION', 422],
		['null', 'VALIDATION', 422]
	])('%s is refused with %s (%i)', async (body, code, status) => {
		const error = await failure(readJson(request(body), Body));
		expect(error.code).toBe(code);
		expect(error.status).toBe(status);
	});

	test('field problems name the field and carry a translation key', async () => {
		const error = await failure(readJson(request('{"note": "<b>hi</b>", "admin": true}'), Body));
		expect(error.fields).toEqual(
			expect.arrayContaining([
				{ field: 'note', key: 'errors:field.markup', params: {} },
				{ field: 'admin', key: 'errors:field.unknown' }
			])
		);
	});

	test('too long text reports the limit', async () => {
		const error = await failure(readJson(request(JSON.stringify({ note: 'x'.repeat(21) })), Body));
		expect(error.fields).toEqual([{ field: 'note', key: 'errors:field.too_long', params: { max: 20 } }]);
	});

	test('a body that is not JSON is 415', async () => {
		const error = await failure(
			readJson(request('note=x', { 'content-type': 'application/x-www-form-urlencoded' }), Body)
		);
		expect(error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
	});

	test('an oversized body is 413, whether declared or streamed', async () => {
		const big = JSON.stringify({ note: 'x'.repeat(5000) });
		const declared = await failure(
			readJson(
				request(big, { 'content-type': 'application/json', 'content-length': String(big.length) }),
				Body,
				{ maxBytes: 1024 }
			)
		);
		expect(declared).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, params: { max: 1024 } });
		const streamed = await failure(readJson(request(new Blob([big]).stream()), Body, { maxBytes: 1024 }));
		expect(streamed.code).toBe('PAYLOAD_TOO_LARGE');
	});
});
