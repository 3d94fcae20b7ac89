import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { evaluateEncounter, requireBillingAccess } from '$lib/server/billing/service';
import { bearerTokenMatches } from '$lib/server/platform/metrics-access';
import { serviceContext, signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { readJson } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const STATE = v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'errors:field.invalid'));
const INSTANT = v.pipe(v.string(), v.isoTimestamp('errors:field.invalid'));

const Facts = v.strictObject({
	dateOfService: v.pipe(v.string(), v.regex(DATE, 'errors:field.invalid')),
	payer: v.picklist(['medicare', 'medicaid', 'commercial'], 'errors:field.invalid'),
	payerState: v.optional(STATE),
	serviceCode: v.pipe(v.string(), v.regex(/^[A-Z0-9]{5}$/, 'errors:field.invalid')),
	patientLocation: v.strictObject({
		state: STATE,
		setting: v.picklist(['home', 'facility'], 'errors:field.invalid')
	}),
	segments: v.pipe(
		v.array(
			v.strictObject({
				modality: v.picklist(['video', 'audio', 'phone'], 'errors:field.invalid'),
				start: INSTANT,
				end: INSTANT
			})
		),
		v.minLength(1, 'errors:field.required'),
		v.maxLength(50, 'errors:field.too_long')
	),
	clinicianVideoCapable: v.boolean(),
	patientVideoCapable: v.boolean(),
	patientConsentsToVideo: v.boolean(),
	behavioralHealth: v.boolean(),
	acuteStroke: v.optional(v.boolean()),
	facilityType: v.optional(
		v.nullable(v.picklist(['rhc', 'fqhc', 'hospital_outpatient'], 'errors:field.invalid'))
	),
	practitionerType: v.optional(
		v.picklist(['physician', 'np', 'pa', 'psychologist', 'lcsw', 'pt', 'ot', 'slp'], 'errors:field.invalid')
	)
});

/**
 * Billers and admins (or BILLING_API_TOKEN): the coding of a visit from its facts, saving nothing.
 * Unknown or invalid fields are a 400 naming them; facts the engine will not judge, a 422.
 */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const runtime = requireRuntime(locals);
	const bearer = bearerTokenMatches(runtime.config.billingApiToken, request.headers.get('authorization'));
	const ctx = bearer
		? serviceContext(runtime, { ...locals, actor: { kind: 'system' } })
		: signedInContext(runtime, locals);
	await requireBillingAccess(ctx);
	// The contract answers 400 for an unknown or invalid field.
	const facts = await readJson(request, Facts, { invalid: 'INVALID_REQUEST' });
	const coding = await evaluateEncounter(ctx, facts);
	return json({
		billable: coding.billable,
		lines: coding.lines,
		reasons: coding.reasons.map((r) => ({
			code: r.code,
			message: locals.t(`billing:reason.${r.code}`, r.params ?? {})
		}))
	});
});
