import { forbidden } from '../errors';
import type { ServiceContext } from '../context';
import type { Runtime } from '../runtime';

/**
 * The service context for an operator request. Staff sign-in arrives with Foundation 2; until then
 * staff tools (failed deliveries, the development outbox) are open only outside production, to the
 * development operator, and closed in production.
 */
export function operatorContext(runtime: Runtime, requestId: string): ServiceContext {
	if (runtime.config.env === 'production') throw forbidden();
	return {
		db: runtime.db,
		clock: runtime.clock,
		actor: { kind: 'dev-operator' },
		logger: runtime.logger.child({ requestId })
	};
}
