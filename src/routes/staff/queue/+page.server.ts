import { redirect } from '@sveltejs/kit';
import { waitingQueue } from '$lib/server/visits/queue';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { asJson } from '$lib/server/platform/http/json';
import { pageError } from '$lib/server/platform/http/problems';
import type { PageServerLoad } from './$types';

/** The clinician's waiting room: who is waiting, since when, how they can join, what they need. */
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const queue = await waitingQueue(serviceContext(requireRuntime(event.locals), event.locals));
		return { queue: asJson(queue), you: event.locals.actor.id };
	} catch (e) {
		pageError(event, e);
	}
};
