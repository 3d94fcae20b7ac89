import { requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import { BillingInputError, evaluate, type Coding, type EncounterFacts } from './engine';

/** Billers and admins, or another system holding the billing token (acting as `system`); 403 otherwise. */
export async function requireBillingAccess(ctx: ServiceContext): Promise<void> {
	if (ctx.actor.kind === 'system') return;
	await requirePermission(ctx, 'billing.evaluate', { action: 'billing.evaluate', resourceType: 'encounter' });
}

/**
 * How a visit would be coded, saving nothing: for billers and admins (or another system holding the
 * billing token, which acts as `system`). Facts the engine will not judge are a 422 naming the field.
 */
export async function evaluateEncounter(ctx: ServiceContext, facts: EncounterFacts): Promise<Coding> {
	await requireBillingAccess(ctx);
	try {
		return evaluate(facts);
	} catch (error) {
		if (!(error instanceof BillingInputError)) throw error;
		throw new AppError('BILLING_UNJUDGEABLE', {}, [
			{ field: error.field, key: `billing:problem.${error.problem}` }
		]);
	}
}
