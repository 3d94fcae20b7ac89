import { followRoom, type RoomMessage } from '$lib/server/visits/stream';
import { roomContext } from '$lib/server/platform/http/access';
import { api, requireRuntime } from '$lib/server/platform/http/api';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const encoder = new TextEncoder();
const frame = ({ event, data }: RoomMessage) =>
	encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

/** The visit room as Server-Sent Events, for as long as the page stays (closing it leaves the room). */
export const GET: RequestHandler = api(async ({ locals, params, request }) => {
	const id = parseInput(uuid, params.id);
	const runtime = requireRuntime(locals);
	const ctx = roomContext(runtime, locals);
	const stop = new AbortController();
	request.signal.addEventListener('abort', () => stop.abort());
	let controller!: ReadableStreamDefaultController<Uint8Array>;
	const body = new ReadableStream<Uint8Array>({
		start: (c) => void (controller = c),
		cancel: () => stop.abort()
	});
	let opened!: () => void;
	const ready = new Promise<void>((resolve) => (opened = resolve));
	const send = (message: RoomMessage) => {
		controller.enqueue(frame(message));
		opened();
	};
	const following = followRoom(ctx, { events: runtime.events, video: runtime.video }, id, send, stop.signal);
	// Refused before the first event (not in this visit, the visit is over): an ordinary problem answer.
	await Promise.race([ready, following]);
	const end = () => {
		try {
			controller.close();
		} catch {
			// Already closed by the client.
		}
	};
	following.then(end, end);
	return new Response(body, {
		headers: {
			'content-type': 'text/event-stream',
			'cache-control': 'no-store',
			// Proxies must pass events on as they come.
			'x-accel-buffering': 'no'
		}
	});
});
