import { json } from '@sveltejs/kit';
import { getConsentRecord } from '$lib/server/previsit/consent';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** One consent for staff: who, how, when, from where, and the template version and content hash signed. */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const id = parseInput(uuid, params.id);
	const c = await getConsentRecord(signedInContext(requireRuntime(locals), locals), id);
	return json({
		id: c.id,
		patientId: c.patientId,
		appointmentId: c.appointmentId,
		kind: c.kind,
		method: c.method,
		signerName: c.signerName,
		givenAt: c.givenAt.toISOString(),
		expiresAt: c.expiresAt.toISOString(),
		revokedAt: c.revokedAt?.toISOString() ?? null,
		ip: c.ip,
		userAgent: c.userAgent,
		attestedBy: c.attestedBy,
		template: {
			id: c.template.id,
			version: c.template.version,
			language: c.template.language,
			state: c.template.state,
			contentHash: c.template.contentHash,
			title: c.template.title,
			body: c.template.body
		},
		templateVersion: c.template.version,
		contentHash: c.template.contentHash
	});
});
