import { json } from '@sveltejs/kit';
import { AppError } from '$lib/server/platform/errors';
import { api } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

/** The signed-in person and their roles; 401 when nobody is signed in. */
export const GET: RequestHandler = api(({ locals }) => {
	if (!locals.auth) return Promise.reject(new AppError('UNAUTHORIZED'));
	const { staff, session } = locals.auth;
	return Promise.resolve(
		json({
			kind: 'staff',
			id: staff.id,
			email: staff.email,
			displayName: staff.displayName,
			organizationId: staff.organizationId,
			roles: staff.roles,
			now: (locals.runtime?.clock.now() ?? new Date()).toISOString(),
			session: {
				expiresAt: session.expiresAt.toISOString(),
				idleExpiresAt: session.idleExpiresAt.toISOString()
			}
		})
	);
});
