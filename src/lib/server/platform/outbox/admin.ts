import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../context';
import { requirePermission } from '../../identity/policy';
import { AppError } from '../errors';
import type { OutboxRow, OutboxStatus } from '../schema';
import { enqueue } from './outbox';
import { findMessage, listByStatus, listDevMessages, requeueDead, type OutboxScope } from './repository';
import { devProviderId } from './dev-sink';

/** What staff see of a delivery: never the payload, which may carry PHI. */
export type DeliveryView = {
	id: string;
	channel: string;
	status: OutboxStatus;
	attempts: number;
	maxAttempts: number;
	lastError: string | null;
	retryNote: string | null;
	createdAt: string;
	updatedAt: string;
	nextAttemptAt: string;
};

function toView(row: OutboxRow): DeliveryView {
	return {
		id: row.id,
		channel: row.channel,
		status: row.status,
		attempts: row.attempts,
		maxAttempts: row.max_attempts,
		lastError: row.last_error,
		retryNote: row.retry_note,
		createdAt: row.created_at.toISOString(),
		updatedAt: row.updated_at.toISOString(),
		nextAttemptAt: row.next_attempt_at.toISOString()
	};
}

/** What the actor may see: an admin their organization's messages, the development operator all. */
async function authorize(ctx: ServiceContext, action: string, resourceId?: string): Promise<OutboxScope> {
	if (ctx.actor.kind === 'dev-operator') return 'all';
	const admin = await requirePermission(ctx, 'outbox.manage', {
		action,
		resourceType: 'outbox_message',
		resourceId
	});
	return { organizationId: admin.organizationId };
}

/** Deliveries in one state, newest first. */
export async function listDeliveries(
	ctx: ServiceContext,
	query: { status: OutboxStatus; limit: number; offset: number }
): Promise<DeliveryView[]> {
	const scope = await authorize(ctx, 'outbox.list');
	const rows = await listByStatus(ctx.db, query.status, { ...query, scope });
	return rows.map(toView);
}

/** Puts a dead-lettered delivery back in the queue with a staff note saying why. */
export async function retryDelivery(
	ctx: ServiceContext,
	input: { id: string; note: string }
): Promise<DeliveryView> {
	const scope = await authorize(ctx, 'outbox.retry', input.id);
	return ctx.db.transaction().execute(async (tx) => {
		const now = ctx.clock.now();
		// Another organization's message is answered as not found: its existence is not disclosed.
		const current = await findMessage(tx, input.id, scope);
		if (!current) throw new AppError('NOT_FOUND');
		if (!(await requeueDead(tx, input.id, now, input.note))) {
			throw new AppError('CONFLICT', { reason: 'outbox_not_dead' });
		}
		await ctx.audit.record(
			{ action: 'outbox.retry', resourceType: 'outbox_message', resourceId: input.id, purpose: 'operations' },
			tx
		);
		ctx.logger.info({ outboxId: input.id, actor: ctx.actor.kind }, 'dead-lettered delivery queued again');
		const updated = await findMessage(tx, input.id, scope);
		return toView(updated ?? current);
	});
}

/** Every message the development outbox holds (SMS, email, calls that would have been sent). */
export async function listDevOutbox(ctx: ServiceContext, options: { limit: number }) {
	await authorize(ctx, 'dev_outbox.read');
	const rows = await listDevMessages(ctx.db, ctx.phi, options);
	// Messages carry phone numbers, addresses and texts to patients: reading them is a PHI read.
	await ctx.audit.record({
		action: 'read',
		resourceType: 'dev_outbox',
		purpose: 'development',
		details: { count: rows.length }
	});
	return rows.map((row) => ({
		id: row.id,
		outboxId: row.outboxId,
		providerId: devProviderId(row.outboxId),
		channel: row.channel,
		to: row.recipient,
		subject: row.subject,
		body: row.body,
		language: row.language,
		createdAt: row.createdAt.toISOString()
	}));
}

export type TestMessageInput = {
	channel: 'sms' | 'email' | 'voice';
	to: string;
	language: string;
	simulateFailure: boolean;
	text: { subject: string; body: string };
};

/**
 * Development tool: sends a test message through the real outbox and worker. With
 * `simulateFailure` the development sink refuses it, so the failed-deliveries page can be tried.
 */
export async function sendTestMessage(ctx: ServiceContext, input: TestMessageInput): Promise<{ id: string }> {
	await authorize(ctx, 'outbox.test');
	const { channel, to, language, text } = input;
	const payload =
		channel === 'email'
			? { to, subject: text.subject, text: text.body, language }
			: channel === 'sms'
				? { to, body: text.body, language }
				: { to, say: text.body, language };
	const row = await ctx.db.transaction().execute((tx) =>
		enqueue(
			tx,
			ctx.phi,
			{
				channel,
				idempotencyKey: `dev-test:${randomUUID()}`,
				organizationId: ctx.actor.kind === 'staff' ? ctx.actor.organizationId : null,
				payload: { ...payload, ...(input.simulateFailure ? { simulateFailure: true } : {}) }
			},
			{ now: ctx.clock.now(), maxAttempts: 3 }
		)
	);
	return { id: row.id };
}
