import { joinVisit } from '$telephony/flow';
import { legStatus, readLeg } from '../visits/phone';
import { callContext, urls, type IvrDeps } from './ivr';
import { speaker } from './speak';

/**
 * A call AnyVisit placed into a visit was answered and asks what to do: join the visit's conference
 * (the patient hears who is calling). Being asked counts as answered, whichever of this and the
 * status callback Twilio sends first. A call whose leg ended or is unknown hangs up without a word.
 */
export async function legAnswer(deps: IvrDeps, request: { legId: string; callSid: string }): Promise<string> {
	const leg = await readLeg(deps.db, request.legId);
	const hangUp = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';
	if (!leg || (leg.callSid && leg.callSid !== request.callSid)) return hangUp;
	await legStatus(callContext(deps, { kind: 'system' }, request.callSid), {
		legId: leg.id,
		callSid: request.callSid,
		status: 'in-progress'
	});
	const now = await readLeg(deps.db, leg.id);
	if (now?.status !== 'answered') return hangUp;
	return joinVisit(speaker(deps.baseUrl), urls(deps), {
		visitId: leg.appointmentId,
		role: leg.role,
		language: leg.language
	});
}

/** A placed call's progress (Twilio's status callback): ringing, answered, or ended and why. */
export async function legProgress(
	deps: IvrDeps,
	report: { legId: string; callSid: string; status: string }
): Promise<void> {
	await legStatus(callContext(deps, { kind: 'system' }, report.callSid), report);
}
