import { redirect } from '@sveltejs/kit';
import { billingItem } from '$lib/server/billing/queue';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { approveClaim } from '$lib/server/billing/queue';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import type { Actions, PageServerLoad } from './$types';

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
				warnings: item.warnings,
				diagnoses: item.diagnoses,
				approved: item.approved
			}
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	// The biller approves the suggested coding, or a corrected one with the reason.
	approve: async (event) => {
		if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
		const form = await event.request.formData();
		const echo = {
			code: formText(form, 'code'),
			modifiers: formText(form, 'modifiers'),
			pos: formText(form, 'pos'),
			diagnoses: formText(form, 'diagnoses'),
			reason: formText(form, 'reason')
		};
		try {
			const id = parseInput(uuid, event.params.id);
			await approveClaim(serviceContext(requireRuntime(event.locals), event.locals), id, {
				code: echo.code.trim().toUpperCase(),
				modifiers: echo.modifiers
					.toUpperCase()
					.split(/[\s,]+/)
					.filter(Boolean),
				pos: echo.pos.trim(),
				diagnoses: echo.diagnoses,
				reason: echo.reason
			});
			return { approvedNow: true };
		} catch (e) {
			return formFailure(event, e, echo);
		}
	}
};
