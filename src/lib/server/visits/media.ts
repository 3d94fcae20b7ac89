import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import type { JoinGrant, VideoProvider } from '../integrations/video/provider';
import { inTheVisit, participantOf } from './participants';
import { readVisit } from './repository';

/**
 * A media grant for one open page of a participant in a running visit (a guest once admitted), with
 * the page's connection as its identity. Audited: it lets media flow.
 */
export async function joinGrant(
	ctx: ServiceContext,
	video: VideoProvider,
	appointmentId: string,
	connectionId: string
): Promise<JoinGrant> {
	const who = await participantOf(ctx, appointmentId, 'visit.media.join');
	if (!inTheVisit(who)) throw new AppError('FORBIDDEN');
	const visit = await readVisit(ctx.db, appointmentId);
	if (visit?.status !== 'in_progress') throw new AppError('VISIT_NOT_RUNNING');
	const connection = await ctx.db
		.selectFrom('visit_connections')
		.select(['participant', 'closed_at'])
		.where('id', '=', connectionId)
		.where('appointment_id', '=', appointmentId)
		.executeTakeFirst();
	if (!connection || connection.closed_at || connection.participant !== who.key)
		throw new AppError('CONFLICT');
	let grant: JoinGrant;
	try {
		grant = await video.joinGrant(appointmentId, connectionId);
	} catch (error) {
		if (error instanceof AppError) throw error;
		throw new AppError('VIDEO_UNAVAILABLE');
	}
	await ctx.audit.record({
		action: 'visit.media.join',
		resourceType: 'appointment',
		resourceId: appointmentId,
		organizationId: visit.organizationId,
		details: { provider: grant.provider }
	});
	return grant;
}
