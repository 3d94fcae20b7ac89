import { redirect } from '@sveltejs/kit';
import { billingItem } from '$lib/server/billing/queue';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { PageServerLoad } from './$types';

/** One visit's suggested coding, with the reason for every decision and each warning explained. */
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const id = parseInput(uuid, event.params.id);
		const item = await billingItem(serviceContext(requireRuntime(event.locals), event.locals), id);
		const t = event.locals.t;
		return {
			item: {
				appointmentId: item.appointmentId,
				patientName: item.patientName,
				date: item.date,
				minutes: item.minutes,
				payer: item.payer,
				visitType: item.visitType,
				line: item.coding?.lines[0] ?? null,
				billable: item.coding?.billable ?? false,
				reasons: (item.coding?.reasons ?? []).map((r) => ({
					code: r.code,
					message: t(`billing:reason.${r.code}`, r.params ?? {})
				})),
				segments: item.facts?.segments ?? [],
				location: item.facts?.patientLocation ?? null,
				warnings: item.warnings
			}
		};
	} catch (e) {
		pageError(event, e);
	}
};
