import { requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';

export type ReceivedHl7View = { receivedAt: string; type: string; controlId: string; text: string };

/**
 * What the sandbox EHR's HL7 listener received (development only): the messages carry patients'
 * names and MRNs, so the clinic's admins (or the development operator) read them, and every read is
 * audited. An unreachable sandbox is reported, not an error.
 */
export async function readSandboxHl7Log(
	ctx: ServiceContext,
	sandboxOrigin: string
): Promise<{ available: boolean; messages: ReceivedHl7View[] }> {
	if (ctx.actor.kind !== 'dev-operator') {
		await requirePermission(ctx, 'outbox.manage', { action: 'hl7_log.read', resourceType: 'hl7_message' });
	}
	let messages: ReceivedHl7View[];
	try {
		const answer = await fetch(`${sandboxOrigin}/hl7/messages`, { signal: AbortSignal.timeout(3000) });
		if (!answer.ok) return { available: false, messages: [] };
		messages = ((await answer.json()) as { messages: ReceivedHl7View[] }).messages;
	} catch {
		return { available: false, messages: [] };
	}
	const newest = messages.slice(-200).reverse();
	await ctx.audit.record({
		action: 'hl7_log.read',
		resourceType: 'hl7_message',
		purpose: 'development',
		details: { count: newest.length }
	});
	return { available: true, messages: newest };
}
