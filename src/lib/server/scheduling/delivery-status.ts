import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock';
import type { SettledMessage } from '../platform/outbox/worker';
import type { AppointmentMessageStatus, Database } from '../platform/schema';

type Executor = Kysely<Database>;

/**
 * After the outbox handed a message to Twilio or the mail relay: the appointment message is "sent"
 * and remembers the provider's id (the MessageSid or CallSid its status callbacks name), or "failed"
 * when the outbox gave up on it.
 */
export async function recordDeliveryOutcome(
	db: Executor,
	clock: Clock,
	settled: SettledMessage
): Promise<void> {
	const now = clock.now();
	await db
		.updateTable('appointment_messages')
		.set(
			settled.outcome === 'delivered'
				? { status: 'sent', provider_id: settled.remoteId ?? null, updated_at: now }
				: { status: 'failed', provider_error: 'undeliverable', updated_at: now }
		)
		.where('outbox_id', '=', settled.outboxId)
		.where('status', '=', 'queued')
		.execute();
}

// Twilio's message statuses (twilio.com/docs/messaging/api/message-resource#message-status-values)
// and call statuses (twilio.com/docs/voice/api/call-resource#call-status-values), as ours.
const SMS_STATUSES: Record<string, AppointmentMessageStatus> = {
	accepted: 'sent',
	scheduled: 'sent',
	queued: 'sent',
	sending: 'sent',
	sent: 'sent',
	delivered: 'delivered',
	read: 'delivered',
	undelivered: 'failed',
	failed: 'failed',
	canceled: 'failed'
};
const CALL_STATUSES: Record<string, AppointmentMessageStatus> = {
	queued: 'sent',
	initiated: 'sent',
	ringing: 'sent',
	'in-progress': 'sent',
	completed: 'delivered',
	busy: 'failed',
	'no-answer': 'failed',
	failed: 'failed',
	canceled: 'failed'
};

/** The states a message may move on from to reach each state: never backwards, never out of an end. */
const MAY_FOLLOW: Partial<Record<AppointmentMessageStatus, AppointmentMessageStatus[]>> = {
	sent: ['queued'],
	delivered: ['queued', 'sent'],
	failed: ['queued', 'sent']
};

export type ProviderStatusReport = {
	channel: 'sms' | 'voice';
	providerId: string;
	status: string;
	errorCode?: string;
};

/**
 * A status callback from Twilio. Callbacks can arrive late and out of order (a "sent" after a
 * "delivered"), so a message only ever moves forward. Answers 'unknown' for a status Twilio does not
 * document and 'unmatched' when no message of ours has that id.
 */
export async function recordProviderStatus(
	db: Executor,
	clock: Clock,
	report: ProviderStatusReport
): Promise<'updated' | 'unchanged' | 'unmatched' | 'unknown'> {
	const status = (report.channel === 'sms' ? SMS_STATUSES : CALL_STATUSES)[report.status];
	if (!status) return 'unknown';
	const message = await db
		.selectFrom('appointment_messages')
		.select(['id', 'status'])
		.where('channel', '=', report.channel)
		.where('provider_id', '=', report.providerId)
		.executeTakeFirst();
	if (!message) return 'unmatched';
	const result = await db
		.updateTable('appointment_messages')
		.set({
			status,
			provider_status: report.status,
			provider_error: status === 'failed' ? (report.errorCode ?? report.status) : null,
			updated_at: clock.now()
		})
		.where('id', '=', message.id)
		.where('status', 'in', MAY_FOLLOW[status] ?? [])
		.executeTakeFirst();
	return result.numUpdatedRows > 0n ? 'updated' : 'unchanged';
}
