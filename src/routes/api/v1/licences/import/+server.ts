import { json } from '@sveltejs/kit';
import { importLicences } from '$lib/server/licensure/records';
import { CSV_MAX_BYTES } from '$lib/server/licensure/schema';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { readText } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/**
 * Admins: imports licences from a CSV body (text/csv). All rows or none: a 422 lists each problem as
 * `rows[<line>].<column>`.
 */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const csv = await readText(request, { type: /^text\/(csv|plain)\b/i, maxBytes: CSV_MAX_BYTES });
	const report = await importLicences(signedInContext(requireRuntime(locals), locals), csv);
	return json(report);
});
