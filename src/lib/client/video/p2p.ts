import type { CallSession, ClientGrant, ConnectOptions, QualityLevel, SendMode, SendStats } from './types';

/**
 * Browser-to-browser video for the embedded default: one RTCPeerConnection per other participant
 * (a small mesh), signalled through the app. Each pair has one offerer (the smaller connection id)
 * that creates an audio and a video transceiver once; switching camera, microphone or screen only
 * replaces the track a sender sends, so no renegotiation happens mid-visit.
 */

type Signal =
	| { kind: 'offer'; sdp: string }
	| { kind: 'answer'; sdp: string }
	| { kind: 'candidate'; candidate: RTCIceCandidateInit }
	| { kind: 'restart' };

type Peer = {
	pc: RTCPeerConnection;
	stream: MediaStream;
	captions: RTCDataChannel;
	/** Candidates that arrived before the remote description. */
	pending: RTCIceCandidateInit[];
};

/** Audio at most this (bits/s): speech stays clear well under the 40 kbps audio-only target. */
const AUDIO_MAX_BPS = 24_000;
/** Low-bandwidth video: a small picture at a low frame rate rather than frozen frames. */
const LOW_VIDEO = { maxBitrate: 150_000, scaleResolutionDownBy: 2, maxFramerate: 15 };

function levelOf(rttMs: number | null, lossFraction: number): QualityLevel {
	if (rttMs === null) return 0;
	if (rttMs > 1000 || lossFraction > 0.15) return 1;
	if (rttMs > 500 || lossFraction > 0.08) return 2;
	if (rttMs > 250 || lossFraction > 0.03) return 3;
	if (rttMs > 120 || lossFraction > 0.01) return 4;
	return 5;
}

export async function connectP2p(
	grant: Extract<ClientGrant, { provider: 'p2p' }>,
	options: ConnectOptions
): Promise<CallSession> {
	const { self, events, signalling } = options;
	let mode: SendMode = options.mode;
	const localStream =
		options.localStream ??
		(await navigator.mediaDevices.getUserMedia({ audio: true, video: mode === 'video' }));
	let screen: MediaStreamTrack | null = null;
	let micOn = true;
	const peers = new Map<string, Peer>();
	const sent = { audio: 0, video: 0, at: performance.now() };

	const track = (kind: 'audio' | 'video'): MediaStreamTrack | null => {
		if (kind === 'video')
			return screen ?? (mode === 'video' ? (localStream.getVideoTracks()[0] ?? null) : null);
		return localStream.getAudioTracks()[0] ?? null;
	};

	async function tune(sender: RTCRtpSender, kind: 'audio' | 'video') {
		const parameters = sender.getParameters();
		if (!parameters.encodings?.length) return;
		for (const encoding of parameters.encodings) {
			if (kind === 'audio') encoding.maxBitrate = AUDIO_MAX_BPS;
			else if (options.lowBandwidth && !screen) Object.assign(encoding, LOW_VIDEO);
		}
		await sender.setParameters(parameters).catch(() => undefined);
	}

	async function attach(pc: RTCPeerConnection) {
		for (const transceiver of pc.getTransceivers()) {
			const kind = transceiver.receiver.track.kind as 'audio' | 'video';
			await transceiver.sender.replaceTrack(track(kind));
			await tune(transceiver.sender, kind);
		}
	}

	function peerFor(id: string): Peer {
		const existing = peers.get(id);
		if (existing) return existing;
		const pc = new RTCPeerConnection({ iceServers: grant.iceServers });
		const stream = new MediaStream();
		// Negotiated on both sides with the same id: part of the first offer, never renegotiated.
		const captions = pc.createDataChannel('captions', { negotiated: true, id: 0 });
		// Captions and each side's link quality travel browser to browser, never through the server.
		captions.onmessage = (e) => {
			try {
				const message = JSON.parse(String(e.data)) as { text?: unknown; final?: unknown; level?: unknown };
				if (typeof message.level === 'number' && message.level >= 0 && message.level <= 5)
					events.onRemoteQuality(id, Math.round(message.level) as QualityLevel);
				else if (typeof message.text === 'string')
					events.onCaption(id, message.text.slice(0, 500), message.final === true);
			} catch {
				// A malformed message is dropped.
			}
		};
		const peer: Peer = { pc, stream, captions, pending: [] };
		peers.set(id, peer);
		pc.onicecandidate = (e) => {
			if (e.candidate) void signalling.send(id, { kind: 'candidate', candidate: e.candidate.toJSON() });
		};
		pc.ontrack = (e) => {
			if (!stream.getTracks().includes(e.track)) stream.addTrack(e.track);
			events.onRemoteStream(id, stream);
		};
		pc.onconnectionstatechange = () => {
			if (pc.connectionState === 'failed' && self < id) void offer(id, true);
		};
		return peer;
	}

	async function offer(id: string, restart = false) {
		const { pc } = peerFor(id);
		if (pc.getTransceivers().length === 0) {
			pc.addTransceiver('audio', { direction: 'sendrecv' });
			pc.addTransceiver('video', { direction: 'sendrecv' });
			await attach(pc);
		}
		const description = await pc.createOffer({ iceRestart: restart });
		await pc.setLocalDescription(description);
		await signalling.send(id, { kind: 'offer', sdp: description.sdp ?? '' });
	}

	async function flush(peer: Peer) {
		for (const candidate of peer.pending.splice(0))
			await peer.pc.addIceCandidate(candidate).catch(() => undefined);
	}

	signalling.onMessage((from, data) => {
		const signal = data as Signal;
		void (async () => {
			if (signal.kind === 'restart') {
				peers.get(from)?.pc.close();
				peers.delete(from);
				events.onRemoteGone(from);
				if (self < from) await offer(from);
				return;
			}
			const peer = peerFor(from);
			if (signal.kind === 'offer') {
				await peer.pc.setRemoteDescription({ type: 'offer', sdp: signal.sdp });
				for (const transceiver of peer.pc.getTransceivers()) transceiver.direction = 'sendrecv';
				await attach(peer.pc);
				const answer = await peer.pc.createAnswer();
				await peer.pc.setLocalDescription(answer);
				await signalling.send(from, { kind: 'answer', sdp: answer.sdp ?? '' });
				await flush(peer);
			} else if (signal.kind === 'answer') {
				await peer.pc.setRemoteDescription({ type: 'answer', sdp: signal.sdp });
				await flush(peer);
			} else if (peer.pc.remoteDescription) {
				await peer.pc.addIceCandidate(signal.candidate).catch(() => undefined);
			} else {
				peer.pending.push(signal.candidate);
			}
		})();
	});

	function broadcast(message: string) {
		for (const { captions } of peers.values()) if (captions.readyState === 'open') captions.send(message);
	}

	async function resend() {
		for (const { pc } of peers.values()) await attach(pc);
	}

	// Link quality from the transport's round trip and the losses the other side reports.
	const quality = setInterval(() => {
		void (async () => {
			let worst: QualityLevel = 5;
			if (peers.size === 0) return;
			for (const { pc } of peers.values()) {
				let rtt: number | null = null;
				let lost = 0;
				let received = 0;
				(await pc.getStats()).forEach((report: Record<string, unknown>) => {
					if (report.type === 'candidate-pair' && report.state === 'succeeded' && report.nominated)
						rtt = typeof report.currentRoundTripTime === 'number' ? report.currentRoundTripTime * 1000 : rtt;
					if (report.type === 'inbound-rtp') {
						lost += Number(report.packetsLost ?? 0);
						received += Number(report.packetsReceived ?? 0);
					}
				});
				const level = levelOf(rtt, received + lost > 0 ? lost / (received + lost) : 0);
				if (level < worst) worst = level;
			}
			events.onQuality(worst);
			broadcast(JSON.stringify({ level: worst }));
		})();
	}, 2000);

	return {
		localStream,
		async setMode(next) {
			if (next === mode) return;
			mode = next;
			if (mode === 'video' && localStream.getVideoTracks().length === 0) {
				const camera = await navigator.mediaDevices.getUserMedia({ video: true });
				for (const t of camera.getVideoTracks()) localStream.addTrack(t);
			}
			if (mode === 'audio') {
				// The camera goes off entirely (its light too), not just unsent.
				for (const t of localStream.getVideoTracks()) {
					t.stop();
					localStream.removeTrack(t);
				}
			}
			await resend();
		},
		setMicrophone(on) {
			micOn = on;
			for (const t of localStream.getAudioTracks()) t.enabled = micOn;
		},
		async shareScreen(on) {
			if (!on) {
				screen?.stop();
				screen = null;
				await resend();
				return false;
			}
			try {
				const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
				screen = display.getVideoTracks()[0] ?? null;
				if (!screen) return false;
				screen.contentHint = 'detail';
				screen.onended = () => {
					screen = null;
					void resend();
				};
				await resend();
				return true;
			} catch {
				return false;
			}
		},
		addParticipant(id) {
			if (id === self || peers.has(id)) return;
			if (self < id) void offer(id);
		},
		removeParticipant(id) {
			const peer = peers.get(id);
			if (!peer) return;
			peer.pc.close();
			peers.delete(id);
			events.onRemoteGone(id);
		},
		sendCaption(text, final) {
			broadcast(JSON.stringify({ text, final }));
		},
		async stats(): Promise<SendStats> {
			let audio = 0;
			let video = 0;
			const framesDecoded: Record<string, number> = {};
			for (const [id, { pc }] of peers) {
				(await pc.getStats()).forEach((report: Record<string, unknown>) => {
					if (report.type === 'outbound-rtp') {
						if (report.kind === 'audio') audio += Number(report.bytesSent ?? 0);
						if (report.kind === 'video') video += Number(report.bytesSent ?? 0);
					}
					if (report.type === 'inbound-rtp' && report.kind === 'video')
						framesDecoded[id] = (framesDecoded[id] ?? 0) + Number(report.framesDecoded ?? 0);
				});
			}
			const now = performance.now();
			const seconds = Math.max((now - sent.at) / 1000, 0.001);
			const result = {
				audioBps: Math.max(0, ((audio - sent.audio) * 8) / seconds),
				videoBps: Math.max(0, ((video - sent.video) * 8) / seconds),
				framesDecoded
			};
			Object.assign(sent, { audio, video, at: now });
			return result;
		},
		leave() {
			clearInterval(quality);
			for (const id of [...peers.keys()]) {
				peers.get(id)?.pc.close();
				peers.delete(id);
			}
			screen?.stop();
			for (const t of localStream.getTracks()) t.stop();
		}
	};
}
