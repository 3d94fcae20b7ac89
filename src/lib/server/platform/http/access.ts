import { createAuditor } from '../audit/audit';
import type { ServiceContext } from '../context';
import { AppError, forbidden } from '../errors';
import type { Runtime } from '../runtime';

/** The service context of a request, acting as whoever the request carries (signed in or not). */
export function serviceContext(
	runtime: Runtime,
	locals: Pick<App.Locals, 'actor' | 'origin'>
): ServiceContext {
	const actor = locals.actor;
	return {
		db: runtime.db,
		clock: runtime.clock,
		actor,
		audit: createAuditor({ db: runtime.db, actor, origin: locals.origin, now: () => runtime.clock.now() }),
		phi: runtime.phi,
		logger: runtime.logger.child({ requestId: locals.origin.requestId })
	};
}

/**
 * The context for the clinic tools: a signed-in staff member acts as themself (services check their
 * roles); without a session, outside production only, the development operator acts.
 */
export function operatorContext(
	runtime: Runtime,
	locals: Pick<App.Locals, 'actor' | 'origin'>
): ServiceContext {
	if (locals.actor.kind === 'staff') return serviceContext(runtime, locals);
	if (runtime.config.env === 'production' || locals.actor.kind === 'patient') throw forbidden();
	return serviceContext(runtime, { ...locals, actor: { kind: 'dev-operator' } });
}

/** The service context of a signed-in staff member or patient; 401 for anyone else. */
export function signedInContext(
	runtime: Runtime,
	locals: Pick<App.Locals, 'actor' | 'origin'>
): ServiceContext {
	if (locals.actor.kind !== 'staff' && locals.actor.kind !== 'patient') throw new AppError('UNAUTHORIZED');
	return serviceContext(runtime, locals);
}

/** The context of someone who may be in a visit room: staff, a patient, or an invited guest; 401 otherwise. */
export function roomContext(runtime: Runtime, locals: Pick<App.Locals, 'actor' | 'origin'>): ServiceContext {
	if (locals.actor.kind === 'guest') return serviceContext(runtime, locals);
	return signedInContext(runtime, locals);
}
