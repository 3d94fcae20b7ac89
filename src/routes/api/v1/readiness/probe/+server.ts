import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { api } from '$lib/server/platform/http/api';
import { parseInput } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const Size = v.pipe(
	v.optional(v.string(), '100000'),
	v.regex(/^\d{1,7}$/, 'errors:field.integer'),
	v.transform(Number),
	v.minValue(1000, 'errors:field.integer'),
	v.maxValue(1_000_000, 'errors:field.too_large')
);

/**
 * Bytes to time a download by, for the readiness check's bandwidth estimate: random (so no proxy or
 * compression shrinks them), never cached. Holds nothing about anyone.
 */
export const GET: RequestHandler = api(({ url }) => {
	const size = parseInput(Size, url.searchParams.get('bytes') ?? undefined);
	return Promise.resolve(
		new Response(new Uint8Array(randomBytes(size)), {
			headers: {
				'content-type': 'application/octet-stream',
				'cache-control': 'no-store',
				'content-encoding': 'identity'
			}
		})
	);
});
