import { randomInt } from 'node:crypto';
import { refuseAsNotFound } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import { getAppointment } from '../scheduling/booking';
import { recommend, type ReadinessResult, type Recommendation } from './recommend';

export type Readiness = ReadinessResult & {
	recommendation: Recommendation;
	accepted: Recommendation | null;
	/** Given to the phone line to join this visit by calling in. */
	visitCode: string;
	checkedAt: Date;
};

/** The visit's last readiness check (its patient, or the clinic's staff), or null. */
export async function readinessFor(ctx: ServiceContext, appointmentId: string): Promise<Readiness | null> {
	await getAppointment(ctx, appointmentId);
	const row = await ctx.db
		.selectFrom('readiness_checks')
		.selectAll()
		.where('appointment_id', '=', appointmentId)
		.executeTakeFirst();
	return row
		? {
				browserSupported: row.browser_supported,
				camera: row.camera,
				microphone: row.microphone,
				speakerHeard: row.speaker_heard,
				downlinkKbps: row.downlink_kbps,
				rttMs: row.rtt_ms,
				recommendation: row.recommendation,
				accepted: row.accepted,
				visitCode: row.visit_code,
				checkedAt: row.checked_at
			}
		: null;
}

/**
 * Keeps what the patient's device could do and what AnyVisit recommends (decided here, not in the
 * browser). Checking again replaces the result and clears an earlier choice; the visit code stays.
 */
export async function saveReadiness(
	ctx: ServiceContext,
	appointmentId: string,
	result: ReadinessResult
): Promise<Readiness> {
	const attempt = { action: 'readiness.save', resourceType: 'appointment', resourceId: appointmentId };
	if (ctx.actor.kind !== 'patient') return refuseAsNotFound(ctx, attempt);
	const appointment = await getAppointment(ctx, appointmentId);
	if (appointment.status !== 'booked' && appointment.status !== 'confirmed')
		throw new AppError('CHECK_IN_CLOSED');
	const recommendation = recommend(result);
	const now = ctx.clock.now();
	const values = {
		browser_supported: result.browserSupported,
		camera: result.camera,
		microphone: result.microphone,
		speaker_heard: result.speakerHeard,
		downlink_kbps: Math.round(result.downlinkKbps),
		rtt_ms: Math.round(result.rttMs),
		recommendation,
		accepted: null,
		checked_at: now
	};
	for (let attempt = 0; ; attempt++) {
		try {
			await ctx.db
				.insertInto('readiness_checks')
				.values({
					...values,
					appointment_id: appointmentId,
					visit_code: String(randomInt(0, 1_000_000)).padStart(6, '0')
				})
				.onConflict((oc) => oc.column('appointment_id').doUpdateSet(values))
				.execute();
			break;
		} catch (error) {
			// Another visit drew the same code: draw again.
			if (attempt >= 5) throw error;
		}
	}
	await ctx.audit.record({
		...attempt,
		organizationId: appointment.organizationId,
		details: { recommendation }
	});
	return (await readinessFor(ctx, appointmentId))!;
}

/** The patient takes a modality (the recommendation, or another they prefer): one tap. */
export async function acceptModality(ctx: ServiceContext, appointmentId: string, modality: Recommendation) {
	const attempt = { action: 'readiness.accept', resourceType: 'appointment', resourceId: appointmentId };
	if (ctx.actor.kind !== 'patient') return refuseAsNotFound(ctx, attempt);
	const appointment = await getAppointment(ctx, appointmentId);
	const updated = await ctx.db
		.updateTable('readiness_checks')
		.set({ accepted: modality })
		.where('appointment_id', '=', appointmentId)
		.executeTakeFirst();
	if (updated.numUpdatedRows === 0n) throw new AppError('CONFLICT');
	await ctx.audit.record({ ...attempt, organizationId: appointment.organizationId, details: { modality } });
}
