import * as v from 'valibot';
import { searchAudit } from '$lib/server/platform/audit/search';
import { operatorContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput } from '$lib/server/platform/http/validation';
import type { PageServerLoad } from './$types';

const text = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100, 'errors:field.too_long')));
const day = v.optional(v.pipe(v.string(), v.regex(/^(\d{4}-\d{2}-\d{2})?$/, 'errors:field.invalid')));
const Filters = v.object({
	action: text,
	resourceType: text,
	resourceId: text,
	actorId: text,
	outcome: v.optional(v.picklist(['', 'success', 'failure', 'denied'], 'errors:field.invalid')),
	from: day,
	to: day,
	before: v.optional(v.pipe(v.string(), v.regex(/^\d{0,12}$/, 'errors:field.integer')))
});

const PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
	const { locals, url } = event;
	try {
		const raw = parseInput(Filters, Object.fromEntries(url.searchParams));
		const ctx = operatorContext(requireRuntime(locals), locals);
		const entries = await searchAudit(ctx, {
			action: raw.action || undefined,
			resourceType: raw.resourceType || undefined,
			resourceId: raw.resourceId || undefined,
			actorId: raw.actorId || undefined,
			outcome: raw.outcome || undefined,
			from: raw.from || undefined,
			to: raw.to || undefined,
			before: raw.before ? Number(raw.before) : undefined,
			limit: PAGE_SIZE
		});
		const older = entries.length === PAGE_SIZE ? entries.at(-1)?.seq : undefined;
		return { filters: raw, entries, older };
	} catch (e) {
		pageError(event, e);
	}
};
