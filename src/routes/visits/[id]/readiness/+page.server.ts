import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { acceptModality, readinessFor, saveReadiness } from '$lib/server/readiness/service';
import { signedInContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const device = v.picklist(['ok', 'missing', 'denied'], 'errors:field.invalid');
const count = (max: number) =>
	v.pipe(
		v.string(),
		v.regex(/^\d{1,7}$/, 'errors:field.integer'),
		v.transform(Number),
		v.maxValue(max, 'errors:field.too_large')
	);
const ResultForm = v.object({
	browserSupported: v.picklist(['yes', 'no'], 'errors:field.invalid'),
	camera: device,
	microphone: device,
	speakerHeard: v.picklist(['yes', 'no', ''], 'errors:field.invalid'),
	downlinkKbps: count(10_000_000),
	rttMs: count(600_000)
});
const Modality = v.picklist(['video', 'audio', 'phone'], 'errors:field.invalid');

function requirePatient(event: RequestEvent) {
	if (event.locals.auth?.kind !== 'patient') redirect(303, '/sign-in');
}
function context(event: RequestEvent) {
	const runtime = requireRuntime(event.locals);
	return { runtime, ctx: signedInContext(runtime, event.locals), id: parseInput(uuid, event.params.id) };
}

export const load: PageServerLoad = async (event) => {
	requirePatient(event);
	try {
		const { runtime, ctx, id } = context(event);
		const readiness = await readinessFor(ctx, id);
		return {
			visitId: id,
			readiness: readiness && { ...readiness, checkedAt: readiness.checkedAt.toISOString() },
			// The number a patient calls to join by phone (the clinic's Twilio number, once configured).
			dialIn: runtime.config.twilio?.fromNumber ?? null
		};
	} catch (e) {
		pageError(event, e);
	}
};

export const actions: Actions = {
	// What the page's script measured.
	save: async (event) => {
		requirePatient(event);
		const form = await event.request.formData();
		try {
			const { ctx, id } = context(event);
			const r = parseInput(
				ResultForm,
				Object.fromEntries(
					['browserSupported', 'camera', 'microphone', 'speakerHeard', 'downlinkKbps', 'rttMs'].map((k) => [
						k,
						formText(form, k)
					])
				)
			);
			await saveReadiness(ctx, id, {
				browserSupported: r.browserSupported === 'yes',
				camera: r.camera,
				microphone: r.microphone,
				speakerHeard: r.speakerHeard === '' ? null : r.speakerHeard === 'yes',
				downlinkKbps: r.downlinkKbps,
				rttMs: r.rttMs
			});
			return { saved: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	// Without JavaScript nothing can be measured: the patient says how they will join.
	choose: async (event) => {
		requirePatient(event);
		try {
			const { ctx, id } = context(event);
			const modality = parseInput(Modality, formText(await event.request.formData(), 'modality'));
			await saveReadiness(ctx, id, {
				browserSupported: false,
				camera: 'missing',
				microphone: 'missing',
				speakerHeard: null,
				downlinkKbps: 0,
				rttMs: 0
			});
			await acceptModality(ctx, id, modality);
			return { accepted: modality };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	accept: async (event) => {
		requirePatient(event);
		try {
			const { ctx, id } = context(event);
			const modality = parseInput(Modality, formText(await event.request.formData(), 'modality'));
			await acceptModality(ctx, id, modality);
			return { accepted: modality };
		} catch (e) {
			return formFailure(event, e);
		}
	}
};
