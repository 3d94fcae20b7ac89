import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry per runtime (no global default registry, so tests can build several). */
export function createMetrics() {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry, prefix: 'anyvisit_' });
	return {
		registry,
		httpRequests: new Counter({
			name: 'anyvisit_http_requests_total',
			help: 'HTTP requests by route and status class',
			labelNames: ['route', 'status'] as const,
			registers: [registry]
		}),
		httpDuration: new Histogram({
			name: 'anyvisit_http_request_duration_seconds',
			help: 'HTTP request duration by route',
			labelNames: ['route'] as const,
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
			registers: [registry]
		}),
		outboxDeliveries: new Counter({
			name: 'anyvisit_outbox_deliveries_total',
			help: 'Outbox delivery attempts by channel and outcome',
			labelNames: ['channel', 'outcome'] as const,
			registers: [registry]
		}),
		outboxBacklog: new Gauge({
			name: 'anyvisit_outbox_messages',
			help: 'Outbox messages by status',
			labelNames: ['status'] as const,
			registers: [registry]
		})
	};
}
