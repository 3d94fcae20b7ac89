import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import { inTheVisit, participantOf, type Participant } from './participants';
import { publishEvent, readVisit } from './repository';

/** A page that has not been heard from for this long has gone (closed, crashed, lost its network). */
export const CONNECTION_STALE_MS = 60_000;
/** The largest signalling message relayed (an SDP offer with many candidates is a few KB). */
export const SIGNAL_MAX_BYTES = 64 * 1024;

export type Connection = { id: string; participant: string };

/**
 * A page opens the visit room. The same person opening it again (a second tab, a reload, another
 * device) takes over: the earlier page is told it was replaced and leaves the call, so no one is in
 * the visit twice.
 */
export async function openConnection(
	ctx: ServiceContext,
	appointmentId: string
): Promise<{ connectionId: string; participant: Participant }> {
	const participant = await participantOf(ctx, appointmentId, 'visit.follow');
	const now = ctx.clock.now();
	const connectionId = randomUUID();
	await ctx.db.transaction().execute(async (tx) => {
		const visit = await readVisit(tx, appointmentId);
		if (!visit) throw new AppError('VISIT_NOT_RUNNING');
		if (visit.status === 'ended') throw new AppError('VISIT_ENDED');
		const replaced = await tx
			.updateTable('visit_connections')
			.set({ closed_at: now, closed_reason: 'superseded' })
			.where('appointment_id', '=', appointmentId)
			.where('participant', '=', participant.key)
			.where('closed_at', 'is', null)
			.returning('id')
			.execute();
		for (const { id } of replaced) {
			await publishEvent(tx, {
				appointmentId,
				organizationId: null,
				type: 'superseded',
				recipient: id,
				at: now
			});
		}
		await tx
			.insertInto('visit_connections')
			.values({
				id: connectionId,
				appointment_id: appointmentId,
				participant: participant.key,
				opened_at: now,
				seen_at: now
			})
			.execute();
		await publishEvent(tx, {
			appointmentId,
			organizationId: visit.organizationId,
			type: 'presence',
			at: now
		});
		await ctx.audit.record(
			{
				action: 'visit.follow',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: visit.organizationId,
				details: { replaced: replaced.length }
			},
			tx
		);
	});
	return { connectionId, participant };
}

/** The page is still there (its event stream is open). */
export async function touchConnection(ctx: Pick<ServiceContext, 'db' | 'clock'>, connectionId: string) {
	await ctx.db
		.updateTable('visit_connections')
		.set({ seen_at: ctx.clock.now() })
		.where('id', '=', connectionId)
		.where('closed_at', 'is', null)
		.execute();
}

/** The page left (its event stream closed). The others see them go. */
export async function closeConnection(
	ctx: Pick<ServiceContext, 'db' | 'clock'>,
	appointmentId: string,
	connectionId: string,
	reason = 'left'
): Promise<void> {
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		const closed = await tx
			.updateTable('visit_connections')
			.set({ closed_at: now, closed_reason: reason })
			.where('id', '=', connectionId)
			.where('closed_at', 'is', null)
			.returning('appointment_id')
			.executeTakeFirst();
		if (!closed) return;
		const visit = await readVisit(tx, appointmentId);
		await publishEvent(tx, {
			appointmentId,
			organizationId: visit?.organizationId ?? null,
			type: 'presence',
			at: now
		});
	});
}

/** Whether a connection is still open (not replaced, removed or ended). */
export async function isOpen(ctx: Pick<ServiceContext, 'db'>, connectionId: string): Promise<boolean> {
	const row = await ctx.db
		.selectFrom('visit_connections')
		.select('closed_at')
		.where('id', '=', connectionId)
		.executeTakeFirst();
	return !!row && row.closed_at === null;
}

/** The pages open in the room now, oldest first. */
export async function liveConnections(
	ctx: Pick<ServiceContext, 'db' | 'clock'>,
	appointmentId: string
): Promise<Connection[]> {
	const since = new Date(ctx.clock.now().getTime() - CONNECTION_STALE_MS);
	return ctx.db
		.selectFrom('visit_connections')
		.select(['id', 'participant'])
		.where('appointment_id', '=', appointmentId)
		.where('closed_at', 'is', null)
		.where('seen_at', '>=', since)
		.orderBy('opened_at')
		.execute();
}

/**
 * Passes a WebRTC signalling message (offer, answer, ICE candidate) from one open page of the visit to
 * another; only participants in the visit (a guest once admitted) may signal, and only as themselves.
 */
export async function relaySignal(
	ctx: ServiceContext,
	appointmentId: string,
	signal: { from: string; to: string; data: unknown }
): Promise<void> {
	const who = await participantOf(ctx, appointmentId, 'visit.signal');
	if (!inTheVisit(who)) throw new AppError('FORBIDDEN');
	if (JSON.stringify(signal.data).length > SIGNAL_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE');
	const rows = await ctx.db
		.selectFrom('visit_connections')
		.select(['id', 'participant'])
		.where('appointment_id', '=', appointmentId)
		.where('id', 'in', [signal.from, signal.to])
		.where('closed_at', 'is', null)
		.execute();
	const from = rows.find((r) => r.id === signal.from);
	const to = rows.find((r) => r.id === signal.to);
	// A page that was replaced or has left cannot be signalled to or from: the caller starts again.
	if (!from || from.participant !== who.key || !to) throw new AppError('CONFLICT');
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		await publishEvent(tx, {
			appointmentId,
			organizationId: null,
			type: 'signal',
			recipient: signal.to,
			payload: { from: signal.from, data: signal.data },
			at: now
		});
	});
}
