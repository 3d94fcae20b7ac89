import { webMessages } from '$lib/server/platform/i18n';
import type { LayoutServerLoad } from './$types';

// Pages the service worker may keep for use offline: they must not carry a name (see vite.config.ts).
const KEPT_OFFLINE = new Set(['/visits/[id]/intake/[questionnaire]']);

export const load: LayoutServerLoad = ({ locals, route }) => ({
	i18n: { lang: locals.lang, dir: locals.dir, messages: webMessages(locals.lang) },
	// Who is signed in, and when the session ends without activity (as the server's clock sees it).
	signedIn: locals.auth
		? {
				displayName: KEPT_OFFLINE.has(route.id ?? '')
					? null
					: locals.auth.kind === 'staff'
						? locals.auth.staff.displayName
						: locals.auth.patient.givenName,
				signOutAction: locals.auth.kind === 'staff' ? '/staff/sign-in?/signout' : '/sign-in?/signout',
				idleExpiresAt: locals.auth.session.idleExpiresAt.toISOString(),
				serverNow: (locals.runtime?.clock.now() ?? new Date()).toISOString()
			}
		: null
});
