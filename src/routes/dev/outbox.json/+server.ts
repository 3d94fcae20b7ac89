import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { operatorContext } from '$lib/server/platform/http/access';
import { AppError } from '$lib/server/platform/errors';
import { parseInput } from '$lib/server/platform/http/validation';
import { listDevOutbox } from '$lib/server/platform/outbox/admin';
import type { RequestHandler } from './$types';

const Limit = v.pipe(
	v.optional(v.string(), '100'),
	v.regex(/^\d{1,4}$/, 'errors:field.integer'),
	v.transform(Number),
	v.minValue(1, 'errors:field.integer'),
	v.maxValue(1000, 'errors:field.too_large')
);

/** Every SMS, email and call that would have been sent (not in production). */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const runtime = requireRuntime(locals);
	if (runtime.config.env === 'production') throw new AppError('NOT_FOUND');
	const limit = parseInput(Limit, url.searchParams.get('limit') ?? undefined);
	const messages = await listDevOutbox(operatorContext(runtime, locals), { limit });
	return json({ messages });
});
