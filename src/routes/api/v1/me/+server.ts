import { json } from '@sveltejs/kit';
import { AppError } from '$lib/server/platform/errors';
import { api } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

/** The signed-in person and their roles; 401 when nobody is signed in. */
export const GET: RequestHandler = api(({ locals }) => {
	const auth = locals.auth;
	if (!auth) return Promise.reject(new AppError('UNAUTHORIZED'));
	const session = {
		expiresAt: auth.session.expiresAt.toISOString(),
		idleExpiresAt: auth.session.idleExpiresAt.toISOString()
	};
	const now = (locals.runtime?.clock.now() ?? new Date()).toISOString();
	if (auth.kind === 'patient')
		return Promise.resolve(json({ kind: 'patient', id: auth.patient.id, now, session }));
	const { staff } = auth;
	return Promise.resolve(
		json({
			kind: 'staff',
			id: staff.id,
			email: staff.email,
			displayName: staff.displayName,
			organizationId: staff.organizationId,
			roles: staff.roles,
			now,
			session
		})
	);
});
