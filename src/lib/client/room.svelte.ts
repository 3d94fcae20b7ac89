import { captionOwnSpeech } from './captions';
import type { CallSession, ClientGrant, QualityLevel, SendMode, SendStats } from './video/types';

/** The room as the server sends it (src/lib/server/visits/view.ts, dates as ISO strings). */
export type RoomState = {
	visitId: string;
	status: 'not_entered' | 'waiting' | 'in_progress' | 'ended';
	you: { key: string; role: string; host: boolean; inVisit: boolean };
	clinicianName: string;
	patientName: string | null;
	startsAt: string;
	waitingSince: string | null;
	startedAt: string | null;
	endedAt: string | null;
	modality: 'video' | 'audio' | 'phone' | null;
	segments: { modality: string; start: string; end: string | null; startedBy: string; reason: string }[];
	participants: {
		connection: string;
		key: string;
		role: string;
		name: string | null;
		you: boolean;
		inVisit: boolean;
	}[];
	phone: { role: string; muted: boolean }[];
	calls: { role: 'patient' | 'clinician' | 'interpreter'; status: 'calling' | 'not_answered' }[];
	guests: { id: string; role: string; name: string; status: string }[];
	recording: { on: boolean; unavailable: 'no_consent' | 'unsupported' | null };
	captions: boolean;
	requirements: { checkIn: boolean; consent: boolean; licensure: boolean } | null;
	ahead: number;
	summary: string | null;
};

export type ChatEntry = { id: string; from: string; body: string; sentAt: string };

export type Link = 'connecting' | 'live' | 'reconnecting' | 'superseded' | 'closed';
export type MediaState = 'off' | 'starting' | 'on' | 'denied' | 'failed';

/** Poor quality (level 2 or below) for this long during video brings the advice to switch to audio. */
const POOR_FOR_MS = 10_000;

/**
 * The visit room in the browser: follows the server's room over Server-Sent Events, and starts,
 * adjusts and stops the call to match it (the server decides the modality; this page only follows).
 */
export class RoomClient {
	state = $state<RoomState | null>(null);
	chat = $state<ChatEntry[]>([]);
	link = $state<Link>('connecting');
	media = $state<MediaState>('off');
	remote = $state<Record<string, MediaStream>>({});
	local = $state<MediaStream | null>(null);
	quality = $state<QualityLevel | null>(null);
	/** The others' link quality, as each of their browsers measured it. */
	remoteQuality = $state<Record<string, QualityLevel>>({});
	adviseAudio = $state(false);
	captions = $state<Record<string, string>>({});
	/** Messages for the live region: arrivals, departures, modality changes. */
	announcement = $state('');
	/** What the call sends and receives, every two seconds (shown to support, read by the tests and bench). */
	stats = $state<SendStats | null>(null);

	connection: string | null = null;
	call: CallSession | null = null;
	private source: EventSource | null = null;
	private signalHandler: ((from: string, data: unknown) => void) | null = null;
	private queued: { from: string; data: unknown }[] = [];
	private poorSince: number | null = null;
	private starting = false;
	private preview: MediaStream | null = null;
	private statsTimer: ReturnType<typeof setInterval> | undefined;
	private stopCaptions: (() => void) | null = null;

	constructor(
		private readonly visitId: string,
		private readonly hooks: { onState?: (previous: RoomState | null, next: RoomState) => void } = {},
		/** The language this person speaks (for recognising their speech as captions). */
		private readonly speechLanguage = 'en'
	) {}

	private get base() {
		return `/visits/${this.visitId}/room`;
	}

	/** Opens the event stream (EventSource reconnects by itself after a network drop). */
	follow() {
		const source = new EventSource(`${this.base}/events`);
		this.source = source;
		const on = <T>(event: string, handle: (data: T) => void) =>
			source.addEventListener(event, (e) => handle(JSON.parse((e as MessageEvent<string>).data) as T));
		on<{ connection: string }>('hello', ({ connection }) => {
			this.connection = connection;
			this.link = 'live';
			// A reconnect is a new page in the room: the call starts again with new peers.
			this.stopCall();
		});
		on<RoomState>('state', (state) => this.apply(state));
		on<RoomState | null>('closed', (state) => {
			if (state) this.apply(state);
			this.link = 'closed';
			this.stopCall();
			source.close();
		});
		on<ChatEntry[]>('chat', (messages) => {
			const known = this.chat.map((m) => m.id);
			this.chat = [...this.chat, ...messages.filter((m) => !known.includes(m.id))];
		});
		on<{ from: string; data: unknown }>('signal', ({ from, data }) => {
			if (this.signalHandler) this.signalHandler(from, data);
			else this.queued.push({ from, data });
		});
		on('superseded', () => {
			this.link = 'superseded';
			this.stopCall();
			source.close();
		});
		source.onerror = () => {
			if (this.link === 'live') this.link = 'reconnecting';
		};
	}

	/** Camera and microphone before the visit starts (a self view), after the permission is explained. */
	async preparePreview(mode: SendMode) {
		this.media = 'starting';
		try {
			this.preview = await navigator.mediaDevices.getUserMedia({ audio: true, video: mode === 'video' });
			this.local = this.preview;
			this.media = 'on';
		} catch {
			this.media = 'denied';
		}
	}

	private apply(next: RoomState) {
		const previous = this.state;
		this.state = next;
		this.hooks.onState?.(previous, next);
		const running = next.status === 'in_progress' && next.you.inVisit;
		const modality = next.modality;
		if (!running || modality === 'phone' || modality === null) {
			this.stopCall();
			return;
		}
		if (!this.call) {
			void this.startCall(modality);
			return;
		}
		void this.call.setMode(modality).then(() => (this.local = this.call?.localStream ?? null));
		this.syncPeers(next);
		this.followCaptions(next);
	}

	/** While captions are on, this side's speech is recognised and sent to the others (never stored). */
	private followCaptions(state: RoomState) {
		const wanted = state.captions && this.call !== null;
		if (wanted && !this.stopCaptions) {
			this.stopCaptions = captionOwnSpeech(this.speechLanguage, (text, final) =>
				this.call?.sendCaption(text, final)
			);
		} else if (!wanted && this.stopCaptions) {
			this.stopCaptions();
			this.stopCaptions = null;
		}
	}

	private syncPeers(state: RoomState) {
		if (!this.call) return;
		const others = state.participants.filter((p) => !p.you && p.inVisit).map((p) => p.connection);
		for (const id of Object.keys(this.remote)) {
			if (!others.includes(id)) {
				this.call.removeParticipant(id);
				delete this.remote[id];
			}
		}
		for (const id of others) this.call.addParticipant(id);
	}

	private async startCall(mode: SendMode) {
		if (this.starting || !this.connection) return;
		this.starting = true;
		this.media = 'starting';
		try {
			const response = await fetch(`${this.base}/grant`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ connection: this.connection })
			});
			if (!response.ok) throw new Error(`grant ${response.status}`);
			const grant = (await response.json()) as ClientGrant;
			const { startCall } = await import('./video');
			const self = this.connection;
			this.call = await startCall(grant, {
				self,
				mode,
				lowBandwidth: true,
				localStream: this.preview ?? undefined,
				signalling: {
					send: async (to, data) => {
						await fetch(`${this.base}/signal`, {
							method: 'POST',
							headers: { 'content-type': 'application/json' },
							body: JSON.stringify({ from: self, to, data })
						});
					},
					onMessage: (handler) => {
						this.signalHandler = handler;
						for (const { from, data } of this.queued.splice(0)) handler(from, data);
					}
				},
				events: {
					onRemoteStream: (id, stream) => (this.remote = { ...this.remote, [id]: stream }),
					onRemoteGone: (id) => {
						this.remote = Object.fromEntries(Object.entries(this.remote).filter(([key]) => key !== id));
					},
					onQuality: (level) => this.onQuality(level),
					onRemoteQuality: (id, level) => (this.remoteQuality = { ...this.remoteQuality, [id]: level }),
					onCaption: (id, text) => (this.captions = { ...this.captions, [id]: text })
				}
			});
			this.preview = null;
			this.local = this.call.localStream;
			this.media = 'on';
			const call = this.call;
			this.statsTimer = setInterval(() => {
				void call.stats().then((stats) => (this.stats = stats));
			}, 2000);
			if (this.state) {
				if (this.state.modality === 'audio' || this.state.modality === 'video')
					await this.call.setMode(this.state.modality);
				this.syncPeers(this.state);
				this.followCaptions(this.state);
			}
		} catch (error) {
			this.media = error instanceof DOMException && error.name === 'NotAllowedError' ? 'denied' : 'failed';
		} finally {
			this.starting = false;
		}
	}

	private onQuality(level: QualityLevel) {
		this.quality = level;
		if (level > 2 || this.state?.modality !== 'video') {
			this.poorSince = null;
			this.adviseAudio = false;
			return;
		}
		this.poorSince ??= Date.now();
		if (Date.now() - this.poorSince >= POOR_FOR_MS) this.adviseAudio = true;
	}

	/** Retries the call after a failure or a refused permission (the person may have allowed it since). */
	retryMedia() {
		const modality = this.state?.modality;
		if (modality === 'video' || modality === 'audio') void this.startCall(modality);
	}

	stopCall() {
		this.stopCaptions?.();
		this.stopCaptions = null;
		clearInterval(this.statsTimer);
		this.stats = null;
		this.call?.leave();
		this.call = null;
		this.signalHandler = null;
		this.queued = [];
		this.remote = {};
		if (this.media === 'on' || this.media === 'starting') this.media = 'off';
		this.local = this.preview;
	}

	close() {
		this.source?.close();
		this.stopCall();
		for (const t of this.preview?.getTracks() ?? []) t.stop();
	}
}
