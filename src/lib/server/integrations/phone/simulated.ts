import { randomBytes } from 'node:crypto';
import type { PhoneLine, PlacedCall } from './provider';

/** A call the simulated carrier placed, as the development phone simulator shows it. */
export type SimulatedCall = PlacedCall & {
	callSid: string;
	status: 'ringing' | 'answered' | 'completed';
	placedAt: Date;
};

export type SimulatedPhoneLine = PhoneLine & {
	kind: 'simulated';
	/** Calls placed in this process, newest first (ringing and answered ones, and the last few ended). */
	calls(): SimulatedCall[];
	/** The simulator picked up or hung up. */
	mark(callSid: string, status: 'answered' | 'completed'): SimulatedCall | null;
};

const KEEP_ENDED = 20;

/**
 * Without Twilio, calls ring in the development phone simulator (/dev/phone) instead of on a phone:
 * it answers them through the same signed webhooks Twilio would call. Never used in production.
 */
export function simulatedPhoneLine(): SimulatedPhoneLine {
	const placed: SimulatedCall[] = [];
	const find = (callSid: string) => placed.find((c) => c.callSid === callSid) ?? null;
	return {
		kind: 'simulated',
		dial(call) {
			const callSid = `CA${randomBytes(16).toString('hex')}`;
			placed.unshift({ ...call, callSid, status: 'ringing', placedAt: new Date() });
			const ended = placed.filter((c) => c.status === 'completed');
			for (const old of ended.slice(KEEP_ENDED)) placed.splice(placed.indexOf(old), 1);
			return Promise.resolve({ callSid });
		},
		hangUp(callSid) {
			const call = find(callSid);
			if (call) call.status = 'completed';
			return Promise.resolve();
		},
		calls: () => placed.map((c) => ({ ...c })),
		mark(callSid, status) {
			const call = find(callSid);
			if (!call || call.status === 'completed') return null;
			call.status = status;
			return { ...call };
		}
	};
}

export const isSimulated = (line: PhoneLine): line is SimulatedPhoneLine => line.kind === 'simulated';
