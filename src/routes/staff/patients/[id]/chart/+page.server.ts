import { redirect } from '@sveltejs/kit';
import { patientChart } from '$lib/server/ehr/chart';
import { TREND_THRESHOLDS } from '$lib/server/ehr/thresholds';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { PageServerLoad } from './$types';

// The clinical chart: a signed-in clinician or nurse only, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const runtime = requireRuntime(event.locals);
		const id = parseInput(uuid, event.params.id);
		const chart = await patientChart(
			serviceContext(runtime, event.locals),
			runtime.ehr?.interactive ?? null,
			id
		);
		return { chart, thresholds: TREND_THRESHOLDS };
	} catch (e) {
		pageError(event, e);
	}
};
