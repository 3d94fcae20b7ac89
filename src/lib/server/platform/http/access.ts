import { createAuditor, type AuditOrigin } from '../audit/audit';
import { forbidden } from '../errors';
import type { ServiceContext } from '../context';
import type { Runtime } from '../runtime';

/**
 * The service context for an operator request. Staff sign-in arrives with Foundation 2; until then
 * staff tools (failed deliveries, the development outbox) are open only outside production, to the
 * development operator, and closed in production.
 */
export function operatorContext(runtime: Runtime, origin: AuditOrigin): ServiceContext {
	if (runtime.config.env === 'production') throw forbidden();
	const actor = { kind: 'dev-operator' } as const;
	return {
		db: runtime.db,
		clock: runtime.clock,
		actor,
		audit: createAuditor({ db: runtime.db, actor, origin, now: () => runtime.clock.now() }),
		phi: runtime.phi,
		logger: runtime.logger.child({ requestId: origin.requestId })
	};
}
