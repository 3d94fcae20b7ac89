import type { ServiceContext } from '../platform/context';
import { invalidateSession } from './session';

/** Ends one session, audited. */
export async function signOut(ctx: ServiceContext, sessionId: string): Promise<void> {
	await ctx.db.transaction().execute(async (tx) => {
		await invalidateSession(tx, sessionId);
		const resourceId = ctx.actor.kind === 'staff' ? ctx.actor.id : null;
		await ctx.audit.record({ action: 'sign_out', resourceType: 'staff', resourceId }, tx);
	});
}
