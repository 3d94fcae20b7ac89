import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { submitIntake } from '$lib/server/intake/service';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, readJson, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const Submission = v.strictObject({
	submissionId: uuid,
	answers: v.record(v.string(), v.union([v.string(), v.boolean(), v.null()], 'errors:field.invalid'))
});

/**
 * Sends one intake questionnaire's answers (the page's script, also after being offline). The
 * submission id makes it idempotent: 201 the first time, 200 with the same response after that.
 */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const body = await readJson(request, Submission, { maxBytes: 32 * 1024 });
	const runtime = requireRuntime(locals);
	const { response, repeated } = await submitIntake(
		signedInContext(runtime, locals),
		id,
		params.questionnaire,
		body
	);
	runtime.outbox.wake();
	return json(
		{
			id: response.id,
			questionnaire: response.questionnaire,
			submittedAt: response.submittedAt.toISOString(),
			repeated
		},
		{ status: repeated ? 200 : 201 }
	);
});
