import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { consentForVisit, recordVerbalConsent } from '$lib/server/previsit/consent';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, readJson, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const VerbalConsent = v.strictObject({
	kind: v.picklist(['telehealth', 'recording'], 'errors:field.invalid'),
	method: v.literal('verbal_clinician', 'errors:field.invalid')
});

/** The visit's consent standing: telehealth and recording, each current, outdated or missing. */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const id = parseInput(uuid, params.id);
	const view = await consentForVisit(signedInContext(requireRuntime(locals), locals), id);
	const standing = (s: typeof view.telehealth) => ({
		status: s.status,
		consentId: s.record?.id ?? null,
		templateVersion: s.template?.version ?? null
	});
	return json({ telehealth: standing(view.telehealth), recording: standing(view.recording) });
});

/** A clinician documents the patient's verbal consent (attested with their id). */
export const POST: RequestHandler = api(async (event) => {
	const id = parseInput(uuid, event.params.id);
	const body = await readJson(event.request, VerbalConsent);
	const ctx = signedInContext(requireRuntime(event.locals), event.locals);
	const { consentId } = await recordVerbalConsent(ctx, id, body.kind);
	return json({ id: consentId }, { status: 201 });
});
