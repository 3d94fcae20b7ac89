import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../platform/context';
import { AppError, validationFailed } from '../platform/errors';
import { inTheVisit, participantOf, type Participant } from './participants';
import { publishEvent, readVisit } from './repository';

/** A chat message as a participant sees it. */
export type ChatMessage = {
	id: string;
	/** The sender's participant key (`patient:<id>`, `staff:<id>`, `guest:<id>`). */
	from: string;
	body: string;
	sentAt: Date;
};

export const CHAT_MAX_LENGTH = 2000;

function mayChat(ctx: ServiceContext, who: Participant, action: string) {
	if (inTheVisit(who)) return Promise.resolve();
	return ctx.audit
		.record({
			action,
			resourceType: 'appointment',
			resourceId: who.appointment.id,
			outcome: 'denied',
			details: { reason: 'not_admitted' }
		})
		.then(() => {
			throw new AppError('FORBIDDEN');
		});
}

/**
 * Sends a chat message in a running visit, kept with the visit and encrypted at rest. Chat works in
 * every modality: for a Deaf patient it may be the whole conversation.
 */
export async function postChatMessage(
	ctx: ServiceContext,
	appointmentId: string,
	text: string
): Promise<ChatMessage> {
	const who = await participantOf(ctx, appointmentId, 'visit.chat.send');
	await mayChat(ctx, who, 'visit.chat.send');
	const body = text.trim();
	if (!body) throw validationFailed([{ field: 'body', key: 'errors:field.required' }]);
	if (body.length > CHAT_MAX_LENGTH)
		throw validationFailed([
			{ field: 'body', key: 'errors:field.too_long', params: { max: CHAT_MAX_LENGTH } }
		]);
	const now = ctx.clock.now();
	const id = randomUUID();
	await ctx.db.transaction().execute(async (tx) => {
		const visit = await readVisit(tx, appointmentId);
		if (visit?.status !== 'in_progress') throw new AppError('VISIT_NOT_RUNNING');
		const key = await ctx.phi.newDataKey(tx);
		await tx
			.insertInto('visit_chat_messages')
			.values({
				id,
				appointment_id: appointmentId,
				sender_kind: who.kind,
				sender_id: who.id,
				body_enc: ctx.phi.seal(key, 'visit_chat_messages.body', id, body),
				data_key_id: key.id,
				sent_at: now
			})
			.execute();
		await publishEvent(tx, { appointmentId, organizationId: null, type: 'chat', payload: { id }, at: now });
		await ctx.audit.record(
			{
				action: 'visit.chat.send',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: visit.organizationId
			},
			tx
		);
	});
	return { id, from: who.key, body, sentAt: now };
}

/** The visit's chat, oldest first (or only the messages named by `ids`). Reading it is audited. */
export async function chatMessages(
	ctx: ServiceContext,
	appointmentId: string,
	ids?: string[]
): Promise<ChatMessage[]> {
	const who = await participantOf(ctx, appointmentId, 'visit.chat.read');
	await mayChat(ctx, who, 'visit.chat.read');
	if (ids?.length === 0) return [];
	let query = ctx.db
		.selectFrom('visit_chat_messages')
		.select(['id', 'sender_kind', 'sender_id', 'body_enc', 'data_key_id', 'sent_at'])
		.where('appointment_id', '=', appointmentId)
		.orderBy('seq');
	if (ids) query = query.where('id', 'in', ids);
	const rows = await query.execute();
	const messages: ChatMessage[] = [];
	for (const row of rows) {
		const key = await ctx.phi.dataKey(ctx.db, row.data_key_id);
		messages.push({
			id: row.id,
			from: `${row.sender_kind}:${row.sender_id}`,
			body: ctx.phi.open(key, 'visit_chat_messages.body', row.id, row.body_enc),
			sentAt: row.sent_at
		});
	}
	if (messages.length) {
		await ctx.audit.record({
			action: 'visit.chat.read',
			resourceType: 'appointment',
			resourceId: appointmentId,
			organizationId: who.appointment.organizationId,
			details: { count: messages.length }
		});
	}
	return messages;
}
