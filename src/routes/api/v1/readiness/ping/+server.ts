import { api } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

/** An empty answer to time a round trip by (the readiness check's latency estimate). */
export const GET: RequestHandler = api(() =>
	Promise.resolve(new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } }))
);
