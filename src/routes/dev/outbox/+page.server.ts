import { error } from '@sveltejs/kit';
import { AppError } from '$lib/server/platform/errors';
import { operatorContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { listDevOutbox } from '$lib/server/platform/outbox/admin';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	try {
		const runtime = requireRuntime(locals);
		if (runtime.config.env === 'production') throw new AppError('NOT_FOUND');
		return { messages: await listDevOutbox(operatorContext(runtime, locals.requestId), { limit: 200 }) };
	} catch (e) {
		if (e instanceof AppError) error(e.status, { message: locals.t(`errors:${e.code}`), code: e.code });
		throw e;
	}
};
