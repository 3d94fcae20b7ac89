import { redirect } from '@sveltejs/kit';
import { questionnaireForVisit, submitIntake } from '$lib/server/intake/service';
import { signedInContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad } from './$types';

// The page holds the questions only (no name, no visit details, no answers), so the service worker
// may keep it for a reload without a signal; answers live on the device until sent.
export const load: PageServerLoad = async (event) => {
	if (event.locals.auth?.kind !== 'patient') redirect(303, '/sign-in');
	try {
		const runtime = requireRuntime(event.locals);
		const id = parseInput(uuid, event.params.id);
		const { questionnaire, submittedAt, submissionId } = await questionnaireForVisit(
			signedInContext(runtime, event.locals),
			id,
			event.params.questionnaire
		);
		return {
			visitId: id,
			questionnaire: questionnaire.id,
			items: questionnaire.items.map((i) => ({
				linkId: i.linkId,
				kind: i.kind,
				required: i.required,
				maxLength: i.kind === 'text' ? i.maxLength : null
			})),
			sent: submittedAt !== null,
			submissionId
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	// Without JavaScript: the form posts here.
	default: async (event) => {
		if (event.locals.auth?.kind !== 'patient') redirect(303, '/sign-in');
		const form = await event.request.formData();
		const answers: Record<string, string> = {};
		for (const [name, value] of form)
			if (name.startsWith('a.') && typeof value === 'string') answers[name.slice(2)] = value;
		try {
			const runtime = requireRuntime(event.locals);
			const id = parseInput(uuid, event.params.id);
			const submissionId = parseInput(uuid, formText(form, 'submissionId'));
			await submitIntake(signedInContext(runtime, event.locals), id, event.params.questionnaire, {
				submissionId,
				answers
			});
			runtime.outbox.wake();
			return { sent: true };
		} catch (e) {
			return formFailure(event, e, { answers: JSON.stringify(answers) });
		}
	}
};
