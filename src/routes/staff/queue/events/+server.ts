import { error } from '@sveltejs/kit';
import { holds } from '$lib/server/identity/policy';
import { requireRuntime } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

const encoder = new TextEncoder();
/** A quiet list is looked at again anyway this often (a notification lost while reconnecting). */
const REFRESH_MS = 30_000;

/**
 * Tells the clinician's waiting list page to look again whenever a visit of their organization
 * changes. It carries no data (the page reloads the list, which is audited); just a wake-up.
 */
export const GET: RequestHandler = ({ locals, request }) => {
	const runtime = requireRuntime(locals);
	const actor = locals.actor;
	if (!holds(actor, 'visit.host')) error(403, locals.t('errors:FORBIDDEN'));
	let unsubscribe = () => {};
	let timer: NodeJS.Timeout | undefined;
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (event: string) => {
				try {
					controller.enqueue(encoder.encode(`event: ${event}\ndata: {}\n\n`));
				} catch {
					// The page has gone.
				}
			};
			send('ready');
			// Several changes in a moment (a visit starting) become one reload, at most one a second.
			let last = 0;
			let trailing: NodeJS.Timeout | undefined;
			unsubscribe = runtime.events.subscribe(actor.organizationId, () => {
				const wait = last + 1000 - Date.now();
				if (wait <= 0) {
					last = Date.now();
					send('changed');
				} else
					trailing ??= setTimeout(() => {
						trailing = undefined;
						last = Date.now();
						send('changed');
					}, wait);
			});
			timer = setInterval(() => send('changed'), REFRESH_MS);
			request.signal.addEventListener('abort', () => {
				unsubscribe();
				clearInterval(timer);
				try {
					controller.close();
				} catch {
					// Already closed.
				}
			});
		},
		cancel() {
			unsubscribe();
			clearInterval(timer);
		}
	});
	return new Response(body, {
		headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }
	});
};
