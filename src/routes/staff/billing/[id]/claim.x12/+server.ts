import { claimFile } from '$lib/server/billing/claims';
import { serviceContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** The 837P interchange sent for the visit's claim, as a download (never cached: it names the patient). */
export const GET: RequestHandler = api(async (event) => {
	const id = parseInput(uuid, event.params.id);
	const file = await claimFile(serviceContext(requireRuntime(event.locals), event.locals), id, 'x12');
	return new Response(file.body, {
		headers: {
			'content-type': `${file.contentType}; charset=utf-8`,
			'content-disposition': `attachment; filename="${file.filename}"`,
			'cache-control': 'no-store'
		}
	});
});
