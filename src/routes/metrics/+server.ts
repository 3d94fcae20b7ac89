import { countByStatus } from '$lib/server/platform/outbox/repository';
import { bearerTokenMatches } from '$lib/server/platform/metrics-access';
import { problemResponse, requireRuntime } from '$lib/server/platform/http/api';
import { AppError } from '$lib/server/platform/errors';
import type { RequestHandler } from './$types';

/** Prometheus metrics, only with `Authorization: Bearer $METRICS_TOKEN` (disabled when unset). */
export const GET: RequestHandler = async (event) => {
	try {
		const runtime = requireRuntime(event.locals);
		if (!runtime.config.metricsToken) throw new AppError('NOT_FOUND');
		if (!bearerTokenMatches(runtime.config.metricsToken, event.request.headers.get('authorization'))) {
			throw new AppError('UNAUTHORIZED');
		}
		const counts = await countByStatus(runtime.db);
		for (const [status, n] of Object.entries(counts)) runtime.metrics.outboxBacklog.set({ status }, n);
		return new Response(await runtime.metrics.registry.metrics(), {
			headers: { 'content-type': runtime.metrics.registry.contentType }
		});
	} catch (error) {
		const response = problemResponse(event, error);
		if (response.status === 401) response.headers.set('www-authenticate', 'Bearer realm="metrics"');
		return response;
	}
};
