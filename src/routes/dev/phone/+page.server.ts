import * as v from 'valibot';
import { postSignedWebhook, simulatedCallSid, type SimulatedTurn } from '$lib/server/telephony/simulator';
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

export const load: PageServerLoad = (event) => {
	try {
		simulator(event);
		return { line: CLINIC_LINE };
	} catch (e) {
		pageError(event, e);
	}
};

type Result = { callSid: string; from: string; turn: SimulatedTurn; pressed: string | null };

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
