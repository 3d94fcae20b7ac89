import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../platform/clock';
import {
	coreRequestBody,
	PAYLOAD_TYPE_270,
	PAYLOAD_TYPE_271,
	PAYLOAD_TYPE_837P,
	PAYLOAD_TYPE_BATCH_RECEIPT,
	readCoreFields
} from './core';
import { sandbox271 } from './sandbox-payer';
import { element, readInterchange } from './x12';

/**
 * The clearinghouse: answers a 270 with the raw text of its 271, and takes a batch of 837P claims,
 * answering with its receipt for the batch (the payers' answers come later, as 999/277CA).
 */
export type Clearinghouse = {
	check(request270: string): Promise<string>;
	submitClaims(interchange837: string): Promise<{ receipt: string }>;
};

/**
 * A failed exchange with the clearinghouse: the HTTP status (0 when none came) and whether trying
 * again may help. The message names the failure, never the request or the answer (both carry PHI).
 */
export class ClearinghouseError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly retryable: boolean
	) {
		super(message);
		this.name = 'ClearinghouseError';
	}
}

export type HttpClearinghouseOptions = {
	/** The clearinghouse's CORE real-time endpoint; https (plain http only to this machine). */
	url: string;
	username: string;
	password: string;
	/** For the whole exchange, answer included; CAQH CORE 155 allows a real-time answer 20 s. */
	timeoutMs?: number;
	/** CORE SenderID and ReceiverID; by default the 270's ISA06 and ISA08. */
	senderId?: string;
	receiverId?: string;
	fetch?: typeof fetch;
	clock?: Clock;
	newPayloadId?: () => string;
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** CORE ErrorCode and PayloadType values are short identifiers; anything else is not repeated. */
const safeCode = (value: string | undefined) =>
	value && /^[A-Za-z0-9_]{1,64}$/.test(value) ? value : 'unrecognized';

/**
 * A clearinghouse over the CAQH CORE Connectivity Rule vC2.2.0 (HTTP MIME multipart, real time):
 * one POST per 270, and the 271 read from the Payload field of the answer. A refused or failed
 * exchange is a ClearinghouseError.
 */
export function httpClearinghouse(options: HttpClearinghouseOptions): Clearinghouse {
	const url = new URL(options.url);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
		throw new RangeError('The clearinghouse URL must use https');
	const doFetch = options.fetch ?? fetch;
	const timeoutMs = options.timeoutMs ?? 20_000;
	const clock = options.clock ?? systemClock;
	const newPayloadId = options.newPayloadId ?? randomUUID;

	/** One CORE exchange: the fields of the answer, or a ClearinghouseError for any failure. */
	async function exchange(x12: string, payloadType: string, processingMode: 'RealTime' | 'Batch') {
		const read = readInterchange(x12);
		if (!read.ok) throw new ClearinghouseError('The request is not a readable X12 interchange', 0, false);
		const { contentType, body } = coreRequestBody(
			{
				payloadId: newPayloadId(),
				timeStamp: clock.now(),
				senderId: options.senderId ?? element(read.read.isa, 6).trim(),
				receiverId: options.receiverId ?? element(read.read.isa, 8).trim(),
				username: options.username,
				password: options.password,
				payload: x12,
				payloadType,
				processingMode
			},
			`AnyVisit-${randomUUID()}`
		);
		const signal = AbortSignal.timeout(timeoutMs);
		let text: string;
		let answer: Response;
		try {
			answer = await doFetch(url, {
				method: 'POST',
				headers: { 'content-type': contentType, accept: 'multipart/form-data' },
				body,
				// A redirect is reported as its status, never followed: it would carry PHI elsewhere.
				redirect: 'manual',
				signal
			});
			if (!answer.ok) {
				await answer.body?.cancel().catch(() => undefined);
				const status = answer.status;
				throw new ClearinghouseError(
					`The clearinghouse answered HTTP ${status}`,
					status,
					status === 408 || status === 429 || status >= 500
				);
			}
			text = await answer.text();
		} catch (error) {
			if (error instanceof ClearinghouseError) throw error;
			throw signal.aborted
				? new ClearinghouseError('The clearinghouse did not answer in time', 0, true)
				: new ClearinghouseError('The clearinghouse could not be reached', 0, true);
		}
		const fields = readCoreFields(answer.headers.get('content-type') ?? '', text);
		if (!fields) throw new ClearinghouseError('The clearinghouse answer is not a CORE envelope', 502, true);
		const errorCode = fields.get('ErrorCode');
		// ErrorMessage is free text and may quote the request: only the code is repeated.
		if (errorCode !== undefined && errorCode !== 'Success')
			throw new ClearinghouseError(
				`The clearinghouse refused the request (CORE ErrorCode ${safeCode(errorCode)})`,
				answer.status,
				false
			);
		const expected = processingMode === 'Batch' ? PAYLOAD_TYPE_BATCH_RECEIPT : PAYLOAD_TYPE_271;
		const answered = fields.get('PayloadType');
		if (answered !== expected)
			throw new ClearinghouseError(
				`The clearinghouse answered PayloadType ${safeCode(answered)}, not ${expected}`,
				answer.status,
				false
			);
		return fields;
	}

	return {
		async check(request270) {
			const payload = (await exchange(request270, PAYLOAD_TYPE_270, 'RealTime')).get('Payload');
			if (!payload) throw new ClearinghouseError('The clearinghouse answer carries no 271', 502, true);
			return payload;
		},
		// CORE batch submission: the answer only confirms receipt (its PayloadID names the batch).
		async submitClaims(interchange837) {
			const fields = await exchange(interchange837, PAYLOAD_TYPE_837P, 'Batch');
			const receipt = fields.get('PayloadID');
			if (!receipt || !/^[A-Za-z0-9_.:-]{1,80}$/.test(receipt))
				throw new ClearinghouseError('The clearinghouse receipt names no batch', 502, true);
			return { receipt };
		}
	};
}

/**
 * The embedded default: a clearinghouse and payer in process, answering realistic 271s chosen by
 * member id (see sandbox-payer.ts) and taking claim batches it can read. A request that is not a
 * 270 (or an 837) is refused as a real one would be.
 */
export function sandboxClearinghouse(options: { clock?: Clock } = {}): Clearinghouse {
	const clock = options.clock ?? systemClock;
	return {
		check: (request270) =>
			new Promise((resolve) => {
				const answer = sandbox271(request270, clock.now());
				if (answer === undefined)
					throw new ClearinghouseError('The sandbox payer cannot read this 270', 400, false);
				resolve(answer);
			}),
		// The batch stays with AnyVisit for download (claim_submissions); what is not an 837P is refused.
		submitClaims: (interchange837) =>
			new Promise((resolve) => {
				const read = readInterchange(interchange837);
				if (!read.ok || element(read.read.st, 1) !== '837')
					throw new ClearinghouseError('The sandbox clearinghouse cannot read this 837', 400, false);
				resolve({ receipt: `SANDBOX-${element(read.read.isa, 13).trim()}` });
			})
	};
}
