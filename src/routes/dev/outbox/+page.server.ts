import * as v from 'valibot';
import { AppError } from '$lib/server/platform/errors';
import { operatorContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput } from '$lib/server/platform/http/validation';
import { listDevOutbox, sendTestMessage } from '$lib/server/platform/outbox/admin';
import type { Actions, PageServerLoad } from './$types';

function devContext(locals: App.Locals) {
	const runtime = requireRuntime(locals);
	if (runtime.config.env === 'production') throw new AppError('NOT_FOUND');
	return { runtime, ctx: operatorContext(runtime, locals) };
}

export const load: PageServerLoad = async (event) => {
	const { locals } = event;
	try {
		const { ctx } = devContext(locals);
		return { messages: await listDevOutbox(ctx, { limit: 200 }) };
	} catch (e) {
		pageError(event, e);
	}
};

const E164 = /^\+[1-9]\d{7,14}$/;
const TestForm = v.pipe(
	v.object({
		channel: v.picklist(['sms', 'email', 'voice'], 'errors:field.invalid'),
		to: v.pipe(v.string('errors:field.type_string'), v.trim(), v.nonEmpty('errors:field.required')),
		simulateFailure: v.boolean()
	}),
	v.forward(
		v.check(
			(form) =>
				form.channel === 'email' ? v.is(v.pipe(v.string(), v.email()), form.to) : E164.test(form.to),
			'errors:field.recipient'
		),
		['to']
	)
);

export const actions: Actions = {
	test: async (event) => {
		try {
			const form = await event.request.formData();
			const input = parseInput(TestForm, {
				channel: form.get('channel'),
				to: form.get('to') ?? '',
				simulateFailure: form.get('simulateFailure') === 'on'
			});
			const { runtime, ctx } = devContext(event.locals);
			const t = event.locals.t;
			await sendTestMessage(ctx, {
				...input,
				language: event.locals.lang,
				text: { subject: t('messages:test.subject'), body: t('messages:test.body') }
			});
			runtime.outbox.wake();
			return { sent: true };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
