import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, plainText, readJson, uuid } from '$lib/server/platform/http/validation';
import { addException } from '$lib/server/scheduling/hours';
import type { RequestHandler } from './$types';

const ExceptionBody = v.strictObject({
	kind: v.picklist(['unavailable', 'available'], 'errors:field.invalid'),
	date: v.string('errors:field.type_string'),
	start: v.string('errors:field.type_string'),
	end: v.string('errors:field.type_string'),
	modalities: v.optional(v.array(v.string('errors:field.type_string'))),
	reason: v.optional(plainText(120))
});

/** Time off or extra hours on one day, wall-clock in the clinician's zone; answers the visits inside. */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const body = await readJson(request, ExceptionBody, { maxBytes: 2048 });
	const created = await addException(signedInContext(requireRuntime(locals), locals), id, body);
	return json(created, { status: 201 });
});
