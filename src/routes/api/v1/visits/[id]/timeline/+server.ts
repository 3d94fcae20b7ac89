import { json } from '@sveltejs/kit';
import { visitTimeline } from '$lib/server/visits/room';
import { signedInContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

/** The visit's modality segments in order (clinic staff): what billing and the note read. */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const id = parseInput(uuid, params.id);
	const { status, segments } = await visitTimeline(signedInContext(requireRuntime(locals), locals), id);
	return json({
		visitId: id,
		status,
		segments: segments.map((s) => ({
			modality: s.modality,
			start: s.start.toISOString(),
			end: s.end?.toISOString() ?? null,
			startedBy: s.startedBy,
			reason: s.reason
		}))
	});
});
