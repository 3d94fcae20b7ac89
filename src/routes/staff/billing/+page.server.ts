import { redirect } from '@sveltejs/kit';
import { billingQueue } from '$lib/server/billing/queue';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import type { PageServerLoad } from './$types';

/** The biller's work queue: ended visits with their suggested coding and what would get them denied. */
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const items = await billingQueue(serviceContext(requireRuntime(event.locals), event.locals));
		return {
			items: items.map((item) => ({
				appointmentId: item.appointmentId,
				patientName: item.patientName,
				date: item.date,
				minutes: item.minutes,
				payer: item.payer,
				line: item.coding?.lines[0] ?? null,
				billable: item.coding?.billable ?? false,
				warnings: item.warnings,
				approved: item.approved !== null,
				submitted: item.approved?.submittedAt != null
			}))
		};
	} catch (e) {
		pageError(event, e);
	}
};
