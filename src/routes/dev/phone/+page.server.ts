import * as v from 'valibot';
import {
	answerPlacedCall,
	hangUpPlacedCall,
	postSignedWebhook,
	simulatedCallSid,
	type SimulatedTurn
} from '$lib/server/telephony/simulator';
import { isSimulated } from '$lib/server/integrations/phone/simulated';
import { AppError } from '$lib/server/platform/errors';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const Call = v.object({
	from: v.pipe(v.string(), v.trim(), v.regex(/^\+[1-9]\d{7,14}$/, 'errors:field.recipient'))
});
const Press = v.object({
	callSid: v.pipe(v.string(), v.regex(/^CA[0-9a-f]{32}$/, 'errors:field.invalid')),
	from: v.pipe(v.string(), v.regex(/^\+[1-9]\d{7,14}$/, 'errors:field.invalid')),
	path: v.picklist(['/telephony/voice/gather'], 'errors:field.invalid'),
	digits: v.pipe(v.string(), v.regex(/^[0-9*#]{0,12}$/, 'errors:field.invalid'))
});

/** The number the clinic's line is (what the simulated caller dials). */
const CLINIC_LINE = '+15005550006';

function simulator(event: Pick<RequestEvent, 'locals' | 'url' | 'fetch'>) {
	const runtime = requireRuntime(event.locals);
	// The simulator signs webhooks with the development token: never in production.
	if (runtime.config.env === 'production') throw new AppError('NOT_FOUND');
	const options = {
		origin: event.url.origin,
		publicBaseUrl: runtime.config.publicBaseUrl,
		authToken: runtime.config.twilioAuthToken
	};
	return (path: string, params: Record<string, string>) =>
		postSignedWebhook(event.fetch, options, path, params);
}

/** The simulated carrier whose placed calls ring here. */
function carrier(event: Pick<RequestEvent, 'locals'>) {
	const line = requireRuntime(event.locals).phone;
	if (!line || !isSimulated(line)) throw new AppError('NOT_FOUND');
	return line;
}

export const load: PageServerLoad = (event) => {
	try {
		simulator(event);
		const line = requireRuntime(event.locals).phone;
		// Calls the app placed: shown by the end of the number only.
		const placed =
			line && isSimulated(line)
				? line
						.calls()
						.filter((c) => c.status !== 'completed')
						.map((c) => ({ callSid: c.callSid, to: `…${c.to.slice(-4)}`, status: c.status }))
				: [];
		return { line: CLINIC_LINE, placed };
	} catch (e) {
		pageError(event, e);
	}
};

type Result = {
	callSid: string;
	from: string;
	turn: SimulatedTurn;
	pressed: string | null;
	/** A call the app placed, answered here (hung up from here too). */
	placed?: boolean;
};

const Placed = v.object({
	callSid: v.pipe(v.string(), v.regex(/^CA[0-9a-f]{32}$/, 'errors:field.invalid')),
	events: v.optional(v.pipe(v.string(), v.startsWith('/telephony/voice/conference?', 'errors:field.invalid')))
});

export const actions: Actions = {
	// Dials the clinic's line from a phone number (a demo patient's, or any other).
	call: async (event) => {
		const form = await event.request.formData();
		try {
			const post = simulator(event);
			const { from } = parseInput(Call, { from: formText(form, 'from') });
			const callSid = simulatedCallSid();
			const turn = await post('/telephony/voice/incoming', { CallSid: callSid, From: from, To: CLINIC_LINE });
			return { callSid, from, turn, pressed: null } satisfies Result;
		} catch (e) {
			return formFailure(event, e);
		}
	},
	// Picks up a call the app placed (a visit moved to the phone, an interpreter called in).
	answer: async (event) => {
		const form = await event.request.formData();
		try {
			const post = simulator(event);
			const { callSid } = parseInput(Placed, { callSid: formText(form, 'callSid') });
			const turn = await answerPlacedCall(post, carrier(event), callSid, CLINIC_LINE);
			if (!turn) throw new AppError('NOT_FOUND');
			return { callSid, from: CLINIC_LINE, turn, pressed: null, placed: true } satisfies Result;
		} catch (e) {
			return formFailure(event, e);
		}
	},
	// Hangs up (or declines) a call the app placed.
	hangUp: async (event) => {
		const form = await event.request.formData();
		try {
			const post = simulator(event);
			const { callSid, events } = parseInput(Placed, {
				callSid: formText(form, 'callSid'),
				events: formText(form, 'events') || undefined
			});
			await hangUpPlacedCall(post, carrier(event), callSid, CLINIC_LINE, events ?? null);
			return { hungUp: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	// Keys pressed (or silence, when empty) in answer to the prompt.
	press: async (event) => {
		const form = await event.request.formData();
		try {
			const post = simulator(event);
			const input = parseInput(
				Press,
				Object.fromEntries(['callSid', 'from', 'path', 'digits'].map((k) => [k, formText(form, k)]))
			);
			const params: Record<string, string> = { CallSid: input.callSid, From: input.from, To: CLINIC_LINE };
			if (input.digits) params.Digits = input.digits;
			const turn = await post(input.path, params);
			return { callSid: input.callSid, from: input.from, turn, pressed: input.digits } satisfies Result;
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
