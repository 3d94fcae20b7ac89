import { hangUp, joinVisit } from '$telephony/flow';
import { findStaffById } from '../identity/repository';
import { staffOfIdentity } from '../integrations/phone/browser';
import { isAppError } from '../platform/errors';
import { participantOf } from '../visits/participants';
import { legStatus, readLeg } from '../visits/phone';
import { readVisit } from '../visits/repository';
import { callContext, urls, type IvrDeps } from './ivr';
import { speaker } from './speak';

/**
 * A call AnyVisit placed into a visit was answered and asks what to do: join the visit's conference
 * (the patient hears who is calling). Being asked counts as answered, whichever of this and the
 * status callback Twilio sends first. A call whose leg ended or is unknown hangs up without a word.
 */
export async function legAnswer(deps: IvrDeps, request: { legId: string; callSid: string }): Promise<string> {
	const leg = await readLeg(deps.db, request.legId);
	if (!leg || (leg.callSid && leg.callSid !== request.callSid)) return hangUp();
	await legStatus(callContext(deps, { kind: 'system' }, request.callSid), {
		legId: leg.id,
		callSid: request.callSid,
		status: 'in-progress'
	});
	const now = await readLeg(deps.db, leg.id);
	if (now?.status !== 'answered') return hangUp();
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

/**
 * A clinician's browser calls through the clinic's TwiML App (Twilio Voice SDK) asking to join a
 * visit's call: it joins the conference if that staff member hosts this running visit (the same check
 * as the visit page); anything else hangs up. The browser's identity was bound into its token.
 */
export async function browserJoin(
	deps: IvrDeps,
	request: { callSid: string; from: string | undefined; visitId: string | null }
): Promise<string> {
	const staffId = staffOfIdentity(request.from);
	const staff = staffId ? await findStaffById(deps.db, staffId) : undefined;
	if (!staff?.active || !request.visitId) return hangUp();
	const ctx = callContext(
		deps,
		{ kind: 'staff', id: staff.id, organizationId: staff.organizationId, roles: staff.roles },
		request.callSid
	);
	try {
		const who = await participantOf(ctx, request.visitId, 'visit.phone_call');
		const visit = await readVisit(deps.db, request.visitId);
		if (!who.host || visit?.status !== 'in_progress') return hangUp();
	} catch (error) {
		if (isAppError(error)) return hangUp();
		throw error;
	}
	await ctx.audit.record({
		action: 'visit.phone_join',
		resourceType: 'appointment',
		resourceId: request.visitId,
		details: { from: 'browser' }
	});
	return joinVisit(speaker(deps.baseUrl), urls(deps), {
		visitId: request.visitId,
		role: 'clinician',
		language: 'en',
		silent: true
	});
}
