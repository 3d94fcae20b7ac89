import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { operatorContext } from '$lib/server/platform/http/access';
import { parseInput } from '$lib/server/platform/http/validation';
import { listDeliveries } from '$lib/server/platform/outbox/admin';
import type { RequestHandler } from './$types';

const integer = (min: number, max: number, fallback: string) =>
	v.pipe(
		v.optional(v.string(), fallback),
		v.regex(/^\d{1,6}$/, 'errors:field.integer'),
		v.transform(Number),
		v.minValue(min, 'errors:field.integer'),
		v.maxValue(max, 'errors:field.too_large')
	);

const Query = v.strictObject({
	status: v.optional(
		v.picklist(['pending', 'delivering', 'delivered', 'dead'], 'errors:field.invalid'),
		'dead'
	),
	limit: integer(1, 200, '50'),
	offset: integer(0, 100000, '0')
});

export const GET: RequestHandler = api(async ({ locals, url }) => {
	const query = parseInput(Query, Object.fromEntries(url.searchParams));
	const ctx = operatorContext(requireRuntime(locals), locals);
	return json({ deliveries: await listDeliveries(ctx, query) });
});
