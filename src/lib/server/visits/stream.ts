import type { ServiceContext } from '../platform/context';
import type { EventBus } from '../platform/events';
import type { VideoProvider } from '../integrations/video/provider';
import { chatMessages } from './chat';
import { closeConnection, isOpen, openConnection, touchConnection } from './connections';
import { eventsAfter, lastEventId } from './repository';
import { roomView } from './view';

/** One message to the page: an SSE event name and its JSON data. */
export type RoomMessage = {
	event: 'hello' | 'state' | 'chat' | 'signal' | 'superseded' | 'closed' | 'ping';
	data: unknown;
};

/** How often a quiet room is looked at anyway (a lost notification) and the page's presence renewed. */
const HEARTBEAT_MS = 15_000;

/**
 * Follows a visit room for one page until `signal` aborts: first who this page is and the room as it
 * stands (with the chat so far), then every change. The room lives in the database; notifications only
 * say when to look, so this works the same on one instance or many.
 */
export async function followRoom(
	ctx: ServiceContext,
	deps: { events: EventBus; video: Pick<VideoProvider, 'supportsRecording'> },
	appointmentId: string,
	send: (message: RoomMessage) => void,
	signal: AbortSignal
): Promise<void> {
	const { connectionId } = await openConnection(ctx, appointmentId);
	let after = await lastEventId(ctx.db, appointmentId);
	let wake: (() => void) | undefined;
	let pending = false;
	const unsubscribe = deps.events.subscribe(appointmentId, () => {
		pending = true;
		wake?.();
	});
	const onAbort = () => wake?.();
	signal.addEventListener('abort', onAbort);
	try {
		send({ event: 'hello', data: { connection: connectionId } });
		// The chat so far, once this participant is in the visit (a guest when admitted).
		let historySent = false;
		const sendState = async (audit: boolean) => {
			const view = await roomView(ctx, deps.video, appointmentId, { audit });
			send({ event: 'state', data: view });
			if (!historySent && view.you.inVisit && view.status === 'in_progress') {
				historySent = true;
				const history = await chatMessages(ctx, appointmentId);
				if (history.length) send({ event: 'chat', data: history });
			}
		};
		await sendState(true);
		while (!signal.aborted) {
			if (!pending) {
				let timer: NodeJS.Timeout | undefined;
				await new Promise<void>((resolve) => {
					wake = resolve;
					timer = setTimeout(resolve, HEARTBEAT_MS);
				});
				// Woken by a change: this wait's heartbeat timer is not needed any more.
				clearTimeout(timer);
			}
			wake = undefined;
			pending = false;
			if (signal.aborted) break;
			await touchConnection(ctx, connectionId);
			const events = await eventsAfter(ctx.db, appointmentId, after, connectionId);
			let stateChanged = false;
			const chatIds: string[] = [];
			for (const event of events) {
				after = event.id;
				if (event.type === 'signal') send({ event: 'signal', data: event.payload });
				else if (event.type === 'superseded') {
					send({ event: 'superseded', data: {} });
					return;
				} else if (event.type === 'chat') chatIds.push((event.payload as { id: string }).id);
				else stateChanged = true;
			}
			if (!(await isOpen(ctx, connectionId))) {
				// Ended, or this guest was removed: the page shows why and stops.
				send({
					event: 'closed',
					data: await roomView(ctx, deps.video, appointmentId, { audit: false }).catch(() => null)
				});
				return;
			}
			// A quiet room still writes now and then: a page that vanished without closing is noticed.
			if (events.length === 0) send({ event: 'ping', data: {} });
			if (stateChanged) await sendState(false);
			if (chatIds.length && historySent)
				send({ event: 'chat', data: await chatMessages(ctx, appointmentId, chatIds) });
		}
	} finally {
		signal.removeEventListener('abort', onAbort);
		unsubscribe();
		await closeConnection(ctx, appointmentId, connectionId).catch(() => undefined);
	}
}
