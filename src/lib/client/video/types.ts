/**
 * The browser side of the video provider interface: the visit room speaks to a CallSession and never
 * to a media SDK. `p2p.ts` implements it with RTCPeerConnection, `twilio.ts` with twilio-video; each
 * is loaded only when a call starts.
 */

/** What a participant sends: camera and microphone, or microphone only (no camera is requested). */
export type SendMode = 'video' | 'audio';

/** Messages that travel through the app between browsers (p2p signalling); unused by Twilio. */
export type Signalling = {
	send(to: string, data: unknown): Promise<void>;
	/** Registers the handler for messages addressed to this participant. */
	onMessage(handler: (from: string, data: unknown) => void): void;
};

/** Link quality, 0 (no connection) to 5 (excellent), as Twilio's Network Quality API counts it. */
export type QualityLevel = 0 | 1 | 2 | 3 | 4 | 5;

export type CallEvents = {
	/** A participant's media arrived or changed; `stream` holds their current tracks. */
	onRemoteStream(participant: string, stream: MediaStream): void;
	/** A participant's media ended (they left, or their connection failed for good). */
	onRemoteGone(participant: string): void;
	/** This side's link quality (measured here; each side shows its own and sends it to the other). */
	onQuality(level: QualityLevel): void;
	/** Another participant's link quality, as their side measured it (so each side sees both). */
	onRemoteQuality(participant: string, level: QualityLevel): void;
	/** Text another participant's browser recognised from their own speech (live captions). */
	onCaption(participant: string, text: string, final: boolean): void;
};

export type SendStats = {
	/** Bits per second sent, over the interval since the previous call. */
	audioBps: number;
	videoBps: number;
	/** Frames decoded from each remote participant so far. */
	framesDecoded: Record<string, number>;
};

export type CallSession = {
	/** The local camera and microphone tracks currently sent (for a self view). */
	readonly localStream: MediaStream;
	/** Turns the camera on or off without leaving the call (video ⇄ audio-only). */
	setMode(mode: SendMode): Promise<void>;
	setMicrophone(on: boolean): void;
	/** Sends the screen instead of the camera (true) or the camera again (false); false when refused. */
	shareScreen(on: boolean): Promise<boolean>;
	/** Another participant has connected (p2p: start the peer connection with them). */
	addParticipant(participant: string): void;
	removeParticipant(participant: string): void;
	sendCaption(text: string, final: boolean): void;
	stats(): Promise<SendStats>;
	leave(): void;
};

export type ConnectOptions = {
	/** This participant's connection id (the grant's identity). */
	self: string;
	mode: SendMode;
	/** Low-bandwidth mode: lower video resolution and bitrate, audio first. */
	lowBandwidth: boolean;
	events: CallEvents;
	signalling: Signalling;
	/** Media already granted (from the waiting room's preview), reused instead of asking again. */
	localStream?: MediaStream;
};

export type IceServer = { urls: string[]; username?: string; credential?: string };

/** The server's join grant (src/lib/server/integrations/video/provider.ts, `JoinGrant`). */
export type ClientGrant =
	| { provider: 'p2p'; identity: string; iceServers: IceServer[] }
	| { provider: 'twilio'; identity: string; token: string; roomName: string };
