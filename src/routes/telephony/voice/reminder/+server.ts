import * as v from 'valibot';
import { reminderCall } from '$lib/server/telephony/reminder-call';
import { ivrDeps, readCallRequest, twiml } from '$lib/server/telephony/webhooks';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const Query = v.object({
	message: uuid,
	tries: v.optional(v.pipe(v.string(), v.regex(/^\d$/), v.transform(Number)), '0')
});

/** A reminder call AnyVisit placed, answered: the message, and 1 confirm / 2 call back / 9 again. */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const runtime = requireRuntime(locals);
	const query = parseInput(Query, Object.fromEntries(url.searchParams));
	const call = await readCallRequest(runtime, request, url);
	return twiml(
		await reminderCall(ivrDeps(runtime, url), {
			messageId: query.message,
			tries: query.tries,
			CallSid: call.CallSid,
			Digits: call.Digits,
			AnsweredBy: call.AnsweredBy
		})
	);
});
