import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { PAYERS, PAYER_IDS } from '$lib/server/eligibility/payers';
import {
	checkEligibility,
	coverageOf,
	eligibilityChecksFor,
	saveCoverage
} from '$lib/server/eligibility/service';
import { AppError } from '$lib/server/platform/errors';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { getAppointment } from '$lib/server/scheduling/booking';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const CoverageForm = v.object({
	payerId: v.picklist(PAYER_IDS, 'errors:field.invalid'),
	memberId: v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9-]{2,30}$/, 'staff:eligibility.member_id_hint')),
	groupNumber: v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9-]{0,30}$/, 'errors:field.invalid'))
});

function scope(event: RequestEvent) {
	const runtime = requireRuntime(event.locals);
	return { runtime, ctx: serviceContext(runtime, event.locals), id: parseInput(uuid, event.params.id) };
}

// A visit's insurance and eligibility: registration and billing staff, signed in, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const { ctx, id } = scope(event);
		const appointment = await getAppointment(ctx, id);
		return {
			visitId: id,
			start: appointment.start.toISOString(),
			coverage: await coverageOf(ctx, appointment.patientId),
			checks: (await eligibilityChecksFor(ctx, id)).map((c) => ({
				...c,
				checkedAt: c.checkedAt.toISOString()
			})),
			payers: PAYERS
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	coverage: async (event) => {
		if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
		const form = await event.request.formData();
		const echo = {
			payerId: formText(form, 'payerId'),
			memberId: formText(form, 'memberId'),
			groupNumber: formText(form, 'groupNumber')
		};
		try {
			const { ctx, id } = scope(event);
			const input = parseInput(CoverageForm, echo);
			const appointment = await getAppointment(ctx, id);
			await saveCoverage(ctx, appointment.patientId, {
				payerId: input.payerId,
				memberId: input.memberId,
				...(input.groupNumber ? { groupNumber: input.groupNumber } : {})
			});
			return { saved: true };
		} catch (e) {
			return formFailure(event, e, echo);
		}
	},
	check: async (event) => {
		if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
		try {
			const { runtime, ctx, id } = scope(event);
			if (!runtime.eligibility) throw new AppError('CLEARINGHOUSE_UNAVAILABLE');
			const check = await checkEligibility(ctx, runtime.eligibility, id);
			return { checked: check.outcome };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
