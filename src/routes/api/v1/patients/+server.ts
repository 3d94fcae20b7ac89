import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { searchPatients } from '$lib/server/patients/search';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const Query = v.object({
	query: v.optional(v.pipe(v.string(), v.maxLength(100, 'errors:field.too_long')), '')
});

/** Staff: the organization's patients matching a name, birth date, phone or email (empty: all). */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const { query } = parseInput(Query, Object.fromEntries(url.searchParams));
	const patients = await searchPatients(signedInContext(requireRuntime(locals), locals), query);
	return json({
		items: patients.map((p) => ({
			id: p.id,
			givenName: p.givenName,
			familyName: p.familyName,
			name: `${p.givenName} ${p.familyName}`,
			birthDate: p.birthDate,
			preferredLanguage: p.preferredLanguage,
			homeState: p.homeState,
			timeZone: p.timeZone
		}))
	});
});
