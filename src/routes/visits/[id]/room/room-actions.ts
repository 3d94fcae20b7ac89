import type { RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { postChatMessage } from '$lib/server/visits/chat';
import { inviteGuest } from '$lib/server/visits/guests';
import { changeModality } from '$lib/server/visits/phone';
import { SWITCH_REASONS, setCaptions } from '$lib/server/visits/room';
import { phoneDeps } from '$lib/server/telephony/webhooks';
import { roomContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { publicBaseUrl } from '$lib/server/platform/runtime';
import { LANGUAGE_CODES } from '$lib/i18n/languages';

/** The form actions every participant's room page shares (patient, guest, clinician). */

const Switch = v.object({
	modality: v.picklist(['video', 'audio', 'phone'], 'errors:field.invalid'),
	reason: v.optional(v.picklist(SWITCH_REASONS, 'errors:field.invalid'), 'choice')
});
const Invite = v.object({
	role: v.picklist(['interpreter', 'caregiver', 'clinician'], 'errors:field.invalid'),
	name: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'errors:field.required'),
		v.maxLength(80, 'errors:field.too_long')
	),
	contact: v.pipe(v.string(), v.trim(), v.minLength(1, 'errors:field.required')),
	language: v.picklist(LANGUAGE_CODES as [string, ...string[]], 'errors:field.invalid')
});

export function roomRequest(event: RequestEvent) {
	const runtime = requireRuntime(event.locals);
	return { runtime, ctx: roomContext(runtime, event.locals), id: parseInput(uuid, event.params.id) };
}

export const roomActions = {
	switch: async (event: RequestEvent) => {
		const form = await event.request.formData();
		try {
			const { runtime, ctx, id } = roomRequest(event);
			const change = parseInput(Switch, {
				modality: formText(form, 'modality'),
				reason: formText(form, 'reason') || undefined
			});
			const { segment, calling } = await changeModality(ctx, phoneDeps(runtime, event.url), id, change);
			return calling ? { calling: true } : { switched: segment!.modality };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	chat: async (event: RequestEvent) => {
		const form = await event.request.formData();
		const body = formText(form, 'body');
		try {
			const { ctx, id } = roomRequest(event);
			await postChatMessage(ctx, id, body);
			return { sent: true };
		} catch (e) {
			return formFailure(event, e, { body });
		}
	},
	captions: async (event: RequestEvent) => {
		const form = await event.request.formData();
		try {
			const { ctx, id } = roomRequest(event);
			await setCaptions(ctx, id, formText(form, 'on') === 'true');
			return { captions: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	invite: async (event: RequestEvent) => {
		const form = await event.request.formData();
		const echo = { guestName: formText(form, 'name'), guestRole: formText(form, 'role') };
		try {
			const { runtime, ctx, id } = roomRequest(event);
			const invitation = parseInput(Invite, {
				role: formText(form, 'role'),
				name: formText(form, 'name'),
				contact: formText(form, 'contact'),
				language: formText(form, 'language')
			});
			await inviteGuest(ctx, id, invitation, publicBaseUrl(runtime.config));
			return { invited: invitation.role };
		} catch (e) {
			return formFailure(event, e, echo);
		}
	}
};
