import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { consentForVisit, revokeConsent, signConsent } from '$lib/server/previsit/consent';
import { signedInContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const SignForm = v.object({
	templateId: uuid,
	recordingTemplateId: v.union([v.literal(''), uuid]),
	signerName: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(2, 'errors:field.required'),
		v.maxLength(200, 'errors:field.too_long')
	),
	agree: v.literal(true, 'previsit:consent.must_agree'),
	recording: v.picklist(['yes', 'no'], 'errors:field.invalid')
});

/** Patients only: anyone else signs in first (called before any try, so the redirect is not caught). */
function requirePatient(event: RequestEvent) {
	if (event.locals.auth?.kind !== 'patient') redirect(303, '/sign-in');
}

function context(event: RequestEvent) {
	const runtime = requireRuntime(event.locals);
	return { ctx: signedInContext(runtime, event.locals), id: parseInput(uuid, event.params.id) };
}

const template = (
	t: { id: string; version: number; language: string; title: string; body: string } | undefined
) =>
	t && {
		id: t.id,
		version: t.version,
		language: t.language,
		title: t.title,
		paragraphs: t.body.split('\n\n')
	};

export const load: PageServerLoad = async (event) => {
	requirePatient(event);
	try {
		const { ctx, id } = context(event);
		const view = await consentForVisit(ctx, id);
		const given = (r: typeof view.telehealth.record) =>
			r && { id: r.id, givenAt: r.givenAt.toISOString(), version: r.template.version };
		return {
			timeZone: event.locals.auth?.kind === 'patient' ? event.locals.auth.patient.timeZone : 'UTC',
			visitId: id,
			clinicianName: view.appointment.clinicianName,
			state: view.state,
			telehealth: {
				status: view.telehealth.status,
				given: given(view.telehealth.record),
				template: template(view.telehealth.template)
			},
			recording: {
				status: view.recording.status,
				given: given(view.recording.record),
				template: template(view.recording.template)
			}
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	sign: async (event) => {
		requirePatient(event);
		const form = await event.request.formData();
		const echo = { signerName: formText(form, 'signerName') };
		try {
			const { ctx, id } = context(event);
			const input = parseInput(SignForm, {
				templateId: formText(form, 'templateId'),
				recordingTemplateId: formText(form, 'recordingTemplateId'),
				signerName: echo.signerName,
				agree: form.has('agree'),
				recording: formText(form, 'recording') || 'no'
			});
			await signConsent(ctx, id, {
				templateId: input.templateId,
				recordingTemplateId: input.recordingTemplateId || undefined,
				signerName: input.signerName,
				recording: input.recording,
				origin: {
					ip: event.locals.origin.ip,
					userAgent: event.request.headers.get('user-agent')
				}
			});
			return { signed: true };
		} catch (e) {
			return formFailure(event, e, echo);
		}
	},
	revoke: async (event) => {
		requirePatient(event);
		try {
			const { ctx } = context(event);
			const consentId = parseInput(uuid, formText(await event.request.formData(), 'consentId'));
			await revokeConsent(ctx, consentId);
			return { revoked: true };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
