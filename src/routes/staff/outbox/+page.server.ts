import * as v from 'valibot';
import { operatorContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, plainText, uuid } from '$lib/server/platform/http/validation';
import { listDeliveries, retryDelivery } from '$lib/server/platform/outbox/admin';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { locals } = event;
	try {
		const ctx = operatorContext(requireRuntime(locals), locals);
		return { deliveries: await listDeliveries(ctx, { status: 'dead', limit: 100, offset: 0 }) };
	} catch (e) {
		pageError(event, e);
	}
};

const RetryForm = v.object({ id: uuid, note: plainText(500) });

export const actions: Actions = {
	retry: async (event) => {
		try {
			const form = await event.request.formData();
			const input = parseInput(RetryForm, { id: form.get('id'), note: form.get('note') ?? '' });
			const runtime = requireRuntime(event.locals);
			await retryDelivery(operatorContext(runtime, event.locals), input);
			runtime.outbox.wake();
			return { retried: input.id };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
