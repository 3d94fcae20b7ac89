import { redirect } from '@sveltejs/kit';
import { signInWithVisitLink, visitOfLink } from '$lib/server/identity/visit-link';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { validationFailed } from '$lib/server/platform/errors';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { setSessionCookie } from '$lib/server/platform/http/session-cookie';
import type { Actions, PageServerLoad } from './$types';

/** The date of birth from its three fields, as YYYY-MM-DD, when it is a real date. */
function birthDateOf(month: string, day: string, year: string): string {
	const [m, d, y] = [month, day, year].map((v) => v.trim());
	const problems = [];
	if (!/^(0?[1-9]|1[0-2])$/.test(m!)) problems.push({ field: 'birthMonth', key: 'errors:field.invalid' });
	if (!/^\d{1,2}$/.test(d!)) problems.push({ field: 'birthDay', key: 'errors:field.invalid' });
	if (!/^(19|20)\d{2}$/.test(y!)) problems.push({ field: 'birthYear', key: 'errors:field.invalid' });
	if (problems.length) throw validationFailed(problems);
	const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
	// 31 February and the like are not dates: the round trip through Date changes them.
	if (new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso)
		throw validationFailed([{ field: 'birthDay', key: 'errors:field.invalid' }]);
	return iso;
}

/** A visit's own link (from its text, email or calendar entry): asks the patient's date of birth. */
export const load: PageServerLoad = async (event) => {
	let visit: Awaited<ReturnType<typeof visitOfLink>>;
	try {
		visit = await visitOfLink(serviceContext(requireRuntime(event.locals), event.locals), event.params.token);
	} catch (e) {
		pageError(event, e);
	}
	const actor = event.locals.actor;
	if (actor.kind === 'patient' && actor.id === visit.patientId) redirect(303, `/visits/${visit.id}/check-in`);
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const echo = {
			birthMonth: formText(form, 'birthMonth'),
			birthDay: formText(form, 'birthDay'),
			birthYear: formText(form, 'birthYear')
		};
		let appointmentId: string;
		try {
			const birthDate = birthDateOf(echo.birthMonth, echo.birthDay, echo.birthYear);
			const signedIn = await signInWithVisitLink(serviceContext(requireRuntime(event.locals), event.locals), {
				token: event.params.token,
				birthDate,
				ip: event.locals.origin.ip
			});
			setSessionCookie(event.cookies, signedIn.token, signedIn.session.expiresAt);
			appointmentId = signedIn.appointmentId;
		} catch (e) {
			return formFailure(event, e, echo);
		}
		redirect(303, `/visits/${appointmentId}/check-in`);
	}
};
