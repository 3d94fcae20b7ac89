import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { PhiCipher } from '../crypto/phi';
import type { Db } from '../db';
import type { OutboxChannel, OutboxRow } from '../schema';
import { backoffDelay } from './backoff';
import { claimDue, markDelivered, markFailed, openPayload } from './repository';
import { PermanentDeliveryError, type Transport } from './transport';

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead';

export type SettledMessage = {
	outboxId: string;
	channel: OutboxChannel;
	outcome: 'delivered' | 'dead';
	remoteId?: string;
	error?: string;
};

export type OutboxWorkerOptions = {
	db: Db;
	clock: Clock;
	phi: PhiCipher;
	logger: Logger;
	transports: Transport[];
	batchSize: number;
	pollMs: number;
	leaseMs?: number;
	backoff?: (attempt: number) => number;
	onOutcome?: (channel: OutboxChannel, outcome: DeliveryOutcome) => void;
	/**
	 * Told of each delivery and each dead letter, after the outbox row records it (for example to mark
	 * an appointment reminder sent with the provider's id, which its status callbacks will name).
	 */
	onSettled?: (message: SettledMessage) => Promise<unknown>;
	/** Work that feeds the outbox, run at the start of every cycle. */
	beforeEachCycle?: () => Promise<unknown>;
};

export type OutboxWorker = {
	/** Claims and delivers one batch; returns how many messages it handled. */
	runOnce(): Promise<number>;
	/** Delivers until nothing is due. */
	drain(): Promise<number>;
	start(): void;
	/** Wakes a sleeping worker now (after an enqueue in this process). */
	wake(): void;
	stop(): Promise<void>;
};

/** The outbox worker: delivers with retries, exponential backoff and a dead-letter state. */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
	const transports = new Map(options.transports.map((t) => [t.channel, t]));
	const leaseMs = options.leaseMs ?? 60_000;
	const backoff = options.backoff ?? ((attempt: number) => backoffDelay(attempt));
	let running = false;
	let loop: Promise<void> | undefined;
	let timer: NodeJS.Timeout | undefined;
	let wakeUp: (() => void) | undefined;

	async function deliverOne(message: OutboxRow): Promise<DeliveryOutcome> {
		const log = options.logger.child({ outboxId: message.id, channel: message.channel });
		const transport = transports.get(message.channel);
		try {
			if (!transport) throw new PermanentDeliveryError(`No transport for channel ${message.channel}`);
			const delivered = await transport.deliver({
				id: message.id,
				channel: message.channel,
				idempotencyKey: message.idempotency_key,
				attempts: message.attempts,
				dataKeyId: message.data_key_id,
				payload: await openPayload(options.db, options.phi, message)
			});
			await markDelivered(options.db, message.id, options.clock.now());
			log.debug({ attempts: message.attempts }, 'outbox message delivered');
			await settled(log, {
				outboxId: message.id,
				channel: message.channel,
				outcome: 'delivered',
				remoteId: delivered.remoteId
			});
			return 'delivered';
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			const permanent = error instanceof PermanentDeliveryError;
			const exhausted = message.attempts >= message.max_attempts;
			const now = options.clock.now();
			const retryAt = permanent || exhausted ? null : new Date(now.getTime() + backoff(message.attempts));
			await markFailed(options.db, message.id, { now, error: reason, retryAt });
			if (retryAt) {
				log.warn({ attempts: message.attempts, retryAt, err: reason }, 'outbox delivery failed; will retry');
				return 'retry';
			}
			log.error({ attempts: message.attempts, err: reason }, 'outbox delivery failed for good (dead letter)');
			await settled(log, { outboxId: message.id, channel: message.channel, outcome: 'dead', error: reason });
			return 'dead';
		}
	}

	async function settled(log: Logger, message: SettledMessage): Promise<void> {
		try {
			await options.onSettled?.(message);
		} catch (error) {
			// The delivery itself stands; only the bookkeeping after it failed.
			log.error({ err: error instanceof Error ? error.message : String(error) }, 'outbox settle hook failed');
		}
	}

	async function runOnce(): Promise<number> {
		const batch = await claimDue(options.db, {
			now: options.clock.now(),
			limit: options.batchSize,
			leaseMs
		});
		for (const message of batch) {
			const outcome = await deliverOne(message);
			options.onOutcome?.(message.channel, outcome);
		}
		return batch.length;
	}

	async function drain(): Promise<number> {
		let total = 0;
		for (;;) {
			const n = await runOnce();
			total += n;
			if (n === 0) return total;
		}
	}

	function sleep(): Promise<void> {
		return new Promise((resolve) => {
			wakeUp = resolve;
			timer = setTimeout(resolve, options.pollMs);
		});
	}

	return {
		runOnce,
		drain,
		start() {
			if (running) return;
			running = true;
			loop = (async () => {
				while (running) {
					try {
						// Jobs that feed the outbox (due appointment messages) run first in each cycle.
						await options.beforeEachCycle?.();
						await drain();
					} catch (error) {
						options.logger.error({ err: error }, 'outbox worker cycle failed');
					}
					if (running) await sleep();
				}
			})();
		},
		wake() {
			if (timer) clearTimeout(timer);
			wakeUp?.();
		},
		async stop() {
			running = false;
			if (timer) clearTimeout(timer);
			wakeUp?.();
			await loop;
		}
	};
}
