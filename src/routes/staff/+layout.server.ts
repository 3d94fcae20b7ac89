import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// In production the clinic tools need a signed-in staff member; outside production the development
// operator may use them without one (see platform/http/access.ts).
export const load: LayoutServerLoad = ({ locals, route }) => {
	const production = locals.runtime?.config.env === 'production';
	if (production && !locals.auth && route.id !== '/staff/sign-in') redirect(303, '/staff/sign-in');
};
