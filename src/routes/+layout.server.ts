import { webMessages } from '$lib/server/platform/i18n';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	i18n: { lang: locals.lang, dir: locals.dir, messages: webMessages(locals.lang) },
	// Who is signed in, and when the session ends without activity (as the server's clock sees it).
	signedIn: locals.auth
		? {
				displayName:
					locals.auth.kind === 'staff' ? locals.auth.staff.displayName : locals.auth.patient.givenName,
				signOutAction: locals.auth.kind === 'staff' ? '/staff/sign-in?/signout' : '/sign-in?/signout',
				idleExpiresAt: locals.auth.session.idleExpiresAt.toISOString(),
				serverNow: (locals.runtime?.clock.now() ?? new Date()).toISOString()
			}
		: null
});
