import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { holds } from '$lib/server/identity/policy';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { clinicSchedule } from '$lib/server/scheduling/schedule';
import { day } from '$lib/server/scheduling/schema';
import type { PageServerLoad } from './$types';

const ScheduleQuery = v.object({
	view: v.optional(v.picklist(['day', 'week'], 'errors:field.invalid'), 'day'),
	date: v.optional(day),
	clinician: v.optional(v.union([v.literal(''), uuid]))
});

// The schedule names patients: a signed-in staff member only, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const query = parseInput(ScheduleQuery, Object.fromEntries(event.url.searchParams));
		const schedule = await clinicSchedule(serviceContext(requireRuntime(event.locals), event.locals), {
			from: query.date,
			days: query.view === 'week' ? 7 : 1,
			clinicianId: query.clinician || undefined
		});
		// A patient's name leads to their chart for those who treat, to their EHR link for those who register.
		const actor = event.locals.actor;
		const patientPage = holds(actor, 'chart.read') ? 'chart' : holds(actor, 'ehr.link') ? 'ehr' : null;
		return {
			schedule,
			view: query.view,
			clinician: query.clinician ?? '',
			patientPage,
			canCheckCoverage: holds(actor, 'coverage.manage')
		};
	} catch (e) {
		pageError(event, e);
	}
};
