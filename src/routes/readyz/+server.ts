import { json } from '@sveltejs/kit';
import { checkReadiness } from '$lib/server/platform/readiness';
import type { RequestHandler } from './$types';

/** Readiness: the database is reachable and its migrations are current. */
export const GET: RequestHandler = async ({ locals }) => {
	if (!locals.runtime) return json({ status: 'starting' }, { status: 503 });
	const readiness = await checkReadiness(locals.runtime.db);
	return json(
		{
			status: readiness.ready ? 'ready' : 'not-ready',
			database: readiness.database,
			pendingMigrations: readiness.pendingMigrations
		},
		{ status: readiness.ready ? 200 : 503 }
	);
};
