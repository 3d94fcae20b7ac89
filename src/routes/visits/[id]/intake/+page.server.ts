import { redirect } from '@sveltejs/kit';
import { intakeForVisit } from '$lib/server/intake/service';
import { signedInContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (event.locals.auth?.kind !== 'patient') redirect(303, '/sign-in');
	try {
		const runtime = requireRuntime(event.locals);
		const id = parseInput(uuid, event.params.id);
		const { questionnaires } = await intakeForVisit(signedInContext(runtime, event.locals), id);
		return {
			visitId: id,
			questionnaires: questionnaires.map((q) => ({
				id: q.questionnaire,
				items: q.items,
				sent: q.submittedAt !== null
			}))
		};
	} catch (e) {
		pageError(event, e);
	}
};
