import type * as TwilioVideo from 'twilio-video';
import type {
	ConnectOptions as RoomOptions,
	LocalAudioTrack,
	LocalDataTrack,
	LocalVideoTrack,
	RemoteAudioTrack,
	RemoteParticipant,
	RemoteTrack,
	RemoteVideoTrack,
	Room
} from 'twilio-video';
import type {
	CallEvents,
	CallSession,
	ClientGrant,
	ConnectOptions,
	QualityLevel,
	SendMode,
	SendStats
} from './types';

type Sdk = typeof TwilioVideo;
type TwilioGrant = Extract<ClientGrant, { provider: 'twilio' }>;
type RemoteMedia = RemoteAudioTrack | RemoteVideoTrack;

/** Track names the other browsers recognise: live captions, and a shared screen (shown instead of the camera). */
const CAPTIONS_TRACK = 'captions';
const SCREEN_TRACK = 'screen';
// Low-bandwidth mode: QVGA at 15 fps is about what 150 kbps carries legibly; 16 kbps Opus keeps
// speech intelligible (twilio.com/docs/video/tutorials/developing-high-quality-video-applications).
const CAMERA = { width: 1280, height: 720, frameRate: 24 };
const CAMERA_LOW = { width: 320, height: 240, frameRate: 15 };
const LOW_AUDIO_BPS = 16_000;
const LOW_VIDEO_BPS = 150_000;
const LOW_DOWNLINK_BPS = 400_000;
const LEVELS: readonly QualityLevel[] = [0, 1, 2, 3, 4, 5];

/** Joins the visit's Twilio room; the SDK is fetched only now, when the call starts. */
export async function connectTwilio(grant: TwilioGrant, options: ConnectOptions): Promise<CallSession> {
	const Video = await import('twilio-video');
	// Tracks from the waiting room's preview belong to the caller until the call is up.
	const given = new Set(options.localStream?.getTracks() ?? []);
	const acquired: (LocalAudioTrack | LocalVideoTrack)[] = [];
	let room: Room | undefined;
	try {
		const audio = await microphone(Video, options.localStream);
		acquired.push(audio);
		const camera = options.mode === 'video' ? await openCamera(Video, options) : null;
		if (camera) acquired.push(camera);
		const captions = new Video.LocalDataTrack({ name: CAPTIONS_TRACK });

		room = await Video.connect(grant.token, roomOptions(grant.roomName, options.lowBandwidth));
		followRemotes(room, options.events, options.lowBandwidth);
		// Published one by one because tracks given to connect() all get priority 'standard': the
		// voice must win when bandwidth is short (twilio.com/docs/video/tutorials/using-bandwidth-profile-api).
		await Promise.all([
			room.localParticipant.publishTrack(audio, { priority: 'high' }),
			room.localParticipant.publishTrack(captions),
			...(camera ? [room.localParticipant.publishTrack(camera, { priority: 'standard' })] : [])
		]);
		return callSession(Video, room, { audio, camera, captions }, options);
	} catch (error) {
		room?.disconnect();
		for (const track of acquired) if (!given.has(track.mediaStreamTrack)) track.stop();
		throw error;
	}
}

function roomOptions(name: string, lowBandwidth: boolean): RoomOptions {
	return {
		name,
		// Our own tracks, published after connecting: the SDK acquires none.
		tracks: [],
		bandwidthProfile: {
			video: {
				mode: 'collaboration',
				// 'manual', not 'auto': in 'auto' the SDK switches off any remote video that is not
				// attached with track.attach(), and the visit room renders our MediaStreams itself.
				clientTrackSwitchOffControl: 'manual',
				contentPreferencesMode: 'manual',
				...(lowBandwidth ? { maxSubscriptionBitrate: LOW_DOWNLINK_BPS } : {})
			}
		},
		dominantSpeaker: true,
		networkQuality: { local: 1, remote: 1 },
		// 'auto' (adaptive simulcast) refuses a maxVideoBitrate; one VP8 layer fits a capped link.
		...(lowBandwidth
			? {
					preferredVideoCodecs: [{ codec: 'VP8' as const, simulcast: false }],
					maxAudioBitrate: LOW_AUDIO_BPS,
					maxVideoBitrate: LOW_VIDEO_BPS
				}
			: { preferredVideoCodecs: 'auto' as const })
	};
}

async function microphone(Video: Sdk, given: MediaStream | undefined): Promise<LocalAudioTrack> {
	const track = given?.getAudioTracks().find((t) => t.readyState === 'live');
	return track ? new Video.LocalAudioTrack(track) : Video.createLocalAudioTrack();
}

async function openCamera(Video: Sdk, options: ConnectOptions): Promise<LocalVideoTrack> {
	const size = options.lowBandwidth ? CAMERA_LOW : CAMERA;
	const track = options.localStream?.getVideoTracks().find((t) => t.readyState === 'live');
	if (!track) return Video.createLocalVideoTrack(size);
	// A smaller capture spares a weak device's CPU; a camera that cannot comply keeps its size.
	if (options.lowBandwidth) await track.applyConstraints(size).catch(() => undefined);
	return new Video.LocalVideoTrack(track);
}

/**
 * One MediaStream per remote participant with their audio and one video: the shared screen when
 * there is one, else the camera, leaving out video that is disabled or switched off by Twilio's
 * bandwidth allocation (so the room shows their name, not a frozen frame).
 */
function followRemotes(room: Room, events: CallEvents, lowBandwidth: boolean): void {
	const remotes = new Map<string, { stream: MediaStream; tracks: Map<string, RemoteMedia> }>();
	const known = new Set<string>();

	const update = (identity: string) => {
		const remote = remotes.get(identity);
		if (!remote) return;
		const wanted = shown(remote.tracks.values());
		const current = remote.stream.getTracks();
		const stale = current.filter((track) => !wanted.includes(track));
		const fresh = wanted.filter((track) => !current.includes(track));
		for (const track of stale) remote.stream.removeTrack(track);
		for (const track of fresh) remote.stream.addTrack(track);
		if (stale.length || fresh.length) events.onRemoteStream(identity, remote.stream);
	};
	const subscribed = (track: RemoteTrack, participant: RemoteParticipant) => {
		known.add(participant.identity);
		if (track.kind === 'data') return;
		if (lowBandwidth && track.kind === 'video' && track.name !== SCREEN_TRACK) {
			track.setContentPreferences({
				renderDimensions: { width: CAMERA_LOW.width, height: CAMERA_LOW.height }
			});
		}
		const remote = remotes.get(participant.identity) ?? { stream: new MediaStream(), tracks: new Map() };
		remotes.set(participant.identity, remote);
		remote.tracks.set(track.sid, track);
		update(participant.identity);
	};
	const gone = (identity: string) => {
		remotes.delete(identity);
		known.delete(identity);
		events.onRemoteGone(identity);
	};

	// Each side's link quality (Network Quality API, remote: 1), so both sides see both.
	const followRemoteQuality = (participant: RemoteParticipant) =>
		participant.on('networkQualityLevelChanged', (level: number | null) => {
			if (level !== null)
				events.onRemoteQuality(
					participant.identity,
					LEVELS[Math.min(5, Math.max(0, Math.round(level)))] ?? 0
				);
		});
	room.on('participantConnected', (participant) => {
		known.add(participant.identity);
		followRemoteQuality(participant);
	});
	room.on('trackSubscribed', (track, _publication, participant) => subscribed(track, participant));
	room.on('trackUnsubscribed', (track, _publication, participant) => {
		if (track.kind !== 'data') remotes.get(participant.identity)?.tracks.delete(track.sid);
		update(participant.identity);
	});
	room.on('trackStarted', (_track, participant) => update(participant.identity));
	room.on('trackSwitchedOff', (_track, _publication, participant) => update(participant.identity));
	room.on('trackSwitchedOn', (_track, _publication, participant) => update(participant.identity));
	room.on('trackDisabled', (_publication, participant) => update(participant.identity));
	room.on('trackEnabled', (_publication, participant) => update(participant.identity));
	room.on('participantDisconnected', (participant) => gone(participant.identity));
	room.on('disconnected', () => [...known].forEach(gone));
	room.on('trackMessage', (data, track, participant) => {
		const caption = track.name === CAPTIONS_TRACK ? parseCaption(data) : null;
		if (caption) events.onCaption(participant.identity, caption.text, caption.final);
	});

	for (const participant of room.participants.values()) {
		known.add(participant.identity);
		followRemoteQuality(participant);
		for (const publication of participant.tracks.values()) {
			if (publication.track) subscribed(publication.track, participant);
		}
	}
	followQuality(room, events);
}

function shown(tracks: Iterable<RemoteMedia>): MediaStreamTrack[] {
	const all = [...tracks];
	const video = all.filter((track) => track.kind === 'video' && track.isEnabled && !track.isSwitchedOff);
	const picked = video.find((track) => track.name === SCREEN_TRACK) ?? video[0];
	const audio = all.filter((track) => track.kind === 'audio').map((track) => track.mediaStreamTrack);
	return picked ? [...audio, picked.mediaStreamTrack] : audio;
}

/** This side's link quality from Twilio's Network Quality API; 0 while the connection is being recovered. */
function followQuality(room: Room, events: CallEvents): void {
	const report = (level: number | null) => {
		if (level !== null) events.onQuality(LEVELS[Math.min(5, Math.max(0, Math.round(level)))] ?? 0);
	};
	room.localParticipant.on('networkQualityLevelChanged', (level: number | null) => report(level));
	room.on('reconnecting', () => events.onQuality(0));
	room.on('reconnected', () => report(room.localParticipant.networkQualityLevel));
	report(room.localParticipant.networkQualityLevel);
}

function parseCaption(data: string | ArrayBuffer): { text: string; final: boolean } | null {
	if (typeof data !== 'string') return null;
	try {
		const message: unknown = JSON.parse(data);
		if (typeof message !== 'object' || message === null) return null;
		const { text, final } = message as Record<string, unknown>;
		return typeof text === 'string' && typeof final === 'boolean' ? { text, final } : null;
	} catch {
		return null;
	}
}

type LocalTracks = { audio: LocalAudioTrack; camera: LocalVideoTrack | null; captions: LocalDataTrack };

function callSession(Video: Sdk, room: Room, tracks: LocalTracks, options: ConnectOptions): CallSession {
	const { audio, captions } = tracks;
	const { lowBandwidth } = options;
	const participant = room.localParticipant;
	let camera = tracks.camera;
	let screen: LocalVideoTrack | null = null;
	let left = false;
	const localStream = new MediaStream([audio.mediaStreamTrack, ...(camera ? [camera.mediaStreamTrack] : [])]);
	const sent = bytesSent(room);

	const stopScreen = () => {
		const track = screen;
		if (!track) return;
		screen = null;
		participant.unpublishTrack(track);
		track.stop();
		camera?.enable();
	};
	const stopAll = () => {
		left = true;
		stopScreen();
		camera?.stop();
		audio.stop();
	};
	// Twilio ends the room (the visit closed, or the connection is lost for good): the call is over.
	room.on('disconnected', stopAll);

	return {
		localStream,

		async setMode(mode: SendMode) {
			if (mode === 'audio') {
				if (!camera) return;
				participant.unpublishTrack(camera);
				camera.stop();
				localStream.removeTrack(camera.mediaStreamTrack);
				camera = null;
				return;
			}
			if (camera || left) return;
			const track = await Video.createLocalVideoTrack(lowBandwidth ? CAMERA_LOW : CAMERA);
			// The call ended, or another setMode('video') won, while the camera was opening.
			if (camera || left) {
				track.stop();
				return;
			}
			camera = track;
			localStream.addTrack(track.mediaStreamTrack);
			if (screen) track.disable();
			await participant.publishTrack(track, { priority: 'standard' });
		},

		setMicrophone(on) {
			audio.enable(on);
		},

		/** Resolves to whether the screen is being sent now (false when the person refused). */
		async shareScreen(on) {
			if (!on || left) {
				stopScreen();
				return false;
			}
			if (screen) return true;
			const display = await navigator.mediaDevices
				.getDisplayMedia({ video: { frameRate: lowBandwidth ? 5 : 15 }, audio: false })
				.catch(() => null);
			const source = display?.getVideoTracks()[0];
			if (!source || left || screen) {
				source?.stop();
				return screen !== null;
			}
			// Text and fine lines over motion (w3.org/TR/mst-content-hint).
			source.contentHint = 'detail';
			// The browser's own "Stop sharing" button ends the track (stop() itself fires no 'ended').
			source.addEventListener('ended', stopScreen, { once: true });
			const track = new Video.LocalVideoTrack(source, { name: SCREEN_TRACK });
			screen = track;
			// Instead of the camera: a disabled camera sends black frames at almost no bitrate.
			camera?.disable();
			try {
				await participant.publishTrack(track, { priority: 'high' });
			} catch (error) {
				stopScreen();
				throw error;
			}
			return true;
		},

		// Twilio's room admits everyone the server granted; nothing to start per participant.
		addParticipant() {},
		removeParticipant() {},

		sendCaption(text, final) {
			if (!left) captions.send(JSON.stringify({ text, final }));
		},

		stats: sent,

		leave() {
			if (left) return;
			stopAll();
			room.disconnect();
		}
	};
}

/**
 * Bits per second sent since the previous call, from the bytes twilio-video reports per local
 * track. twilio-video's stats report no frames decoded (only bytes, packets, frame rate and
 * dimensions per remote track), so `framesDecoded` stays empty for Twilio calls.
 */
function bytesSent(room: Room): () => Promise<SendStats> {
	let previous = { audio: 0, video: 0, at: performance.now() };
	return async () => {
		const reports = await room.getStats();
		const sum = (stats: { bytesSent: number | null }[]) =>
			stats.reduce((total, s) => total + (s.bytesSent ?? 0), 0);
		const now = {
			audio: sum(reports.flatMap((report) => report.localAudioTrackStats)),
			video: sum(reports.flatMap((report) => report.localVideoTrackStats)),
			at: performance.now()
		};
		const seconds = (now.at - previous.at) / 1000;
		// A track unpublished since the previous call takes its byte count with it: never negative.
		const bps = (bytes: number, before: number) =>
			seconds > 0 ? Math.max(0, Math.round(((bytes - before) * 8) / seconds)) : 0;
		const stats = { audioBps: bps(now.audio, previous.audio), videoBps: bps(now.video, previous.video) };
		previous = now;
		return { ...stats, framesDecoded: {} };
	};
}
