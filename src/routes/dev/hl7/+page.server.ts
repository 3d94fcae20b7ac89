import { readSandboxHl7Log } from '$lib/server/ehr/sandbox-log';
import { AppError } from '$lib/server/platform/errors';
import { operatorContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import type { PageServerLoad } from './$types';

// The sandbox EHR's MLLP log: a development tool, like the development outbox (never in production).
export const load: PageServerLoad = async (event) => {
	try {
		const runtime = requireRuntime(event.locals);
		if (runtime.config.env === 'production' || !runtime.config.hl7?.sandbox) throw new AppError('NOT_FOUND');
		const ctx = operatorContext(runtime, event.locals);
		return await readSandboxHl7Log(ctx, `http://127.0.0.1:${runtime.config.sandboxEhrPort}`);
	} catch (e) {
		pageError(event, e);
	}
};
