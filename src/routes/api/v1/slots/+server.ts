import { json } from '@sveltejs/kit';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput } from '$lib/server/platform/http/validation';
import { searchSlots } from '$lib/server/scheduling/queries';
import { SlotSearch } from '$lib/server/scheduling/schema';
import { slotView } from '$lib/server/scheduling/views';
import type { RequestHandler } from './$types';

/** Free slots, only from clinicians licensed for the patient's state on the slot's date. */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const query = parseInput(SlotSearch, Object.fromEntries(url.searchParams));
	const slots = await searchSlots(signedInContext(requireRuntime(locals), locals), query);
	return json({ items: slots.map(slotView) });
});
