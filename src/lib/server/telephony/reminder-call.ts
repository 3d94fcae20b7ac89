import { NEW_CALL, goodbye } from '$telephony/flow';
import { reminderAnswer } from '$telephony/reminder';
import { createAuditor } from '../platform/audit/audit';
import { openPayload } from '../platform/outbox/repository';
import { SAY_VOICES } from '../integrations/twilio/voice';
import type { IvrDeps } from './ivr';
import { speaker } from './speak';

export type ReminderCallRequest = {
	messageId: string;
	tries: number;
	CallSid: string;
	Digits?: string;
	AnsweredBy?: string;
};

/**
 * Answers a reminder call AnyVisit placed (outbox voice message `messageId`): speaks it, and acts on
 * the patient's key. 1 confirms the visit (as a text reply C does); 2 asks the clinic to call back.
 * Each is audited as the patient.
 */
export async function reminderCall(deps: IvrDeps, request: ReminderCallRequest): Promise<string> {
	const row = await deps.db
		.selectFrom('outbox')
		.selectAll()
		.where('id', '=', request.messageId)
		.where('channel', '=', 'voice')
		.executeTakeFirst();
	const payload = row ? await openPayload(deps.db, deps.phi, row) : null;
	// A call whose message is gone (purged): say nothing about anyone, and let the clinic call back.
	if (!payload) return goodbye(speaker(deps.baseUrl), { ...NEW_CALL }, 'ivr:staff.unavailable').twiml;
	const language = typeof payload?.language === 'string' ? payload.language : 'en';
	const call = { say: typeof payload?.say === 'string' ? payload.say : '', language };
	const voice = SAY_VOICES[language] ?? SAY_VOICES.en!;
	const action = (tries: number) =>
		`${deps.baseUrl}/telephony/voice/reminder?message=${request.messageId}&tries=${tries}`;
	const turn = reminderAnswer(
		speaker(deps.baseUrl),
		voice,
		call,
		{ answeredBy: request.AnsweredBy ?? null, digits: request.Digits ?? null, tries: request.tries },
		action
	);
	const appointmentId = typeof payload?.appointmentId === 'string' ? payload.appointmentId : null;
	if (!turn.outcome || !appointmentId) return turn.twiml;
	const appointment = await deps.db
		.selectFrom('appointments')
		.select(['patient_id', 'organization_id', 'status'])
		.where('id', '=', appointmentId)
		.executeTakeFirst();
	if (!appointment) return turn.twiml;
	const now = deps.clock.now();
	const audit = createAuditor({
		db: deps.db,
		actor: { kind: 'patient', id: appointment.patient_id, organizationId: appointment.organization_id },
		origin: { ip: null, userAgent: 'twilio-voice', requestId: request.CallSid },
		now: () => now
	});
	await deps.db.transaction().execute(async (tx) => {
		if (turn.outcome === 'confirm' && appointment.status === 'booked') {
			await tx
				.updateTable('appointments')
				.set({ status: 'confirmed', confirmed_at: now, updated_at: now })
				.where('id', '=', appointmentId)
				.where('status', '=', 'booked')
				.execute();
		}
		await audit.record(
			{
				action: turn.outcome === 'confirm' ? 'appointment.confirm' : 'appointment.callback_requested',
				resourceType: 'appointment',
				resourceId: appointmentId,
				details: { channel: 'voice' }
			},
			tx
		);
	});
	return turn.twiml;
}
