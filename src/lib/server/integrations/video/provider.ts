/**
 * Video behind a small interface (ARCHITECTURE.md principle 1): Twilio Video in production, a
 * browser-to-browser WebRTC call signalled through the app when Twilio is not configured. The visit
 * room decides who may join and when; a provider only carries media.
 */
export type IceServer = { urls: string[]; username?: string; credential?: string };

/** What a participant's browser needs to connect to the visit's media (short lived). */
export type JoinGrant =
	| { provider: 'p2p'; identity: string; iceServers: IceServer[] }
	| { provider: 'twilio'; identity: string; token: string; roomName: string };

export type VideoProvider = {
	kind: 'p2p' | 'twilio';
	/** Whether the provider can record a visit (Twilio records by room recording rules; p2p cannot). */
	supportsRecording: boolean;
	/** Prepares the visit's room; calling it again for the same visit is harmless. */
	openRoom(visitId: string): Promise<void>;
	/** A grant for one participant of one visit; `identity` is that participant's connection id. */
	joinGrant(visitId: string, identity: string): Promise<JoinGrant>;
	/** Starts or stops recording the visit's room (only when `supportsRecording`). */
	setRecording(visitId: string, on: boolean): Promise<void>;
	/** Ends the room: everyone's media stops. */
	closeRoom(visitId: string): Promise<void>;
};

/** How long a join grant lasts: long enough to connect and reconnect, short enough to be useless later. */
export const GRANT_TTL_SECONDS = 15 * 60;
