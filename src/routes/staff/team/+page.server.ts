import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { deactivateStaff, inviteStaff, listTeam, reinviteStaff } from '$lib/server/identity/team';
import { LANGUAGE_CODES } from '$lib/i18n/languages';
import { STAFF_ROLES } from '$lib/server/platform/schema';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, plainText, uuid } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

// Team management changes who can sign in: it needs a signed-in admin, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const ctx = serviceContext(requireRuntime(event.locals), event.locals);
		return { team: await listTeam(ctx), roles: STAFF_ROLES, languages: LANGUAGE_CODES };
	} catch (e) {
		pageError(event, e);
	}
};

const InviteForm = v.object({
	displayName: plainText(120),
	email: plainText(254),
	roles: v.array(v.picklist(STAFF_ROLES, 'errors:field.roles')),
	preferredLanguage: v.picklist(LANGUAGE_CODES, 'errors:field.language')
});

const MemberForm = v.object({ id: uuid });

const context = (event: RequestEvent) => serviceContext(requireRuntime(event.locals), event.locals);
const links = (event: RequestEvent) => ({
	baseUrl: requireRuntime(event.locals).config.publicBaseUrl ?? event.url.origin
});

export const actions: Actions = {
	invite: async (event) => {
		const form = await event.request.formData();
		const echo = {
			displayName: formText(form, 'displayName'),
			email: formText(form, 'email'),
			preferredLanguage: formText(form, 'preferredLanguage'),
			roles: form
				.getAll('roles')
				.filter((r): r is string => typeof r === 'string')
				.join(' ')
		};
		try {
			const input = parseInput(InviteForm, { ...echo, roles: echo.roles ? echo.roles.split(' ') : [] });
			await inviteStaff(context(event), { ...input, roles: input.roles }, links(event));
			requireRuntime(event.locals).outbox.wake();
			return { invited: input.email };
		} catch (e) {
			return formFailure(event, e, echo);
		}
	},
	deactivate: async (event) => {
		try {
			const { id } = parseInput(MemberForm, { id: formText(await event.request.formData(), 'id') });
			await deactivateStaff(context(event), id);
			return { deactivated: id };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	reinvite: async (event) => {
		try {
			const { id } = parseInput(MemberForm, { id: formText(await event.request.formData(), 'id') });
			await reinviteStaff(context(event), id, links(event));
			requireRuntime(event.locals).outbox.wake();
			return { reinvited: id };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
