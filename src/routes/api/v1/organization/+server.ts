import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { organizationSettings, updateOrganizationSettings } from '$lib/server/organizations/settings';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { readJson } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const minutes = (min: number, max: number) =>
	v.pipe(
		v.number('errors:field.integer'),
		v.integer('errors:field.integer'),
		v.minValue(min, 'errors:field.invalid'),
		v.maxValue(max, 'errors:field.invalid')
	);

// Bounds as in migrations 0009 and 0013: reminders 5 min to 14 days ahead (six at most); check-in 5 min to 7 days.
const SettingsChange = v.strictObject({
	reminderOffsetsMinutes: v.optional(
		v.pipe(v.array(minutes(5, 20_160), 'errors:field.invalid'), v.maxLength(6, 'errors:field.too_large'))
	),
	checkInOpensMinutes: v.optional(minutes(5, 10_080))
});

export const GET: RequestHandler = api(async ({ locals }) =>
	json(await organizationSettings(signedInContext(requireRuntime(locals), locals)))
);

export const PATCH: RequestHandler = api(async ({ locals, request }) => {
	const change = await readJson(request, SettingsChange);
	return json(await updateOrganizationSettings(signedInContext(requireRuntime(locals), locals), change));
});
