import { redirect } from '@sveltejs/kit';
import { intakeSummary } from '$lib/server/intake/service';
import { QUESTIONNAIRES } from '$lib/server/intake/questionnaires';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { PageServerLoad } from './$types';

// A visit's intake answers: those who treat, signed in, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const runtime = requireRuntime(event.locals);
		const id = parseInput(uuid, event.params.id);
		const { appointment, responses } = await intakeSummary(serviceContext(runtime, event.locals), id);
		return {
			start: appointment.start.toISOString(),
			responses: responses.map((r) => ({
				id: r.id,
				questionnaire: r.questionnaire,
				submittedAt: r.submittedAt.toISOString(),
				score: r.score,
				answers: QUESTIONNAIRES[r.questionnaire].items
					.filter((i) => r.answers[i.linkId] !== undefined)
					.map((i) => ({ linkId: i.linkId, kind: i.kind, value: r.answers[i.linkId]! }))
			}))
		};
	} catch (e) {
		pageError(event, e);
	}
};
