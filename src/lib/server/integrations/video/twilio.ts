import twilio from 'twilio';
import type { VideoSettings } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { createTwilioClient, twilioCode, twilioStatus, type TwilioHttpClient } from '../twilio/client';
import { GRANT_TTL_SECONDS, type JoinGrant, type VideoProvider } from './provider';

type TwilioVideoSettings = Extract<VideoSettings, { kind: 'twilio' }>;

// A visit has a patient and a clinician, sometimes an interpreter, a caregiver or a second
// clinician; a cap keeps a leaked grant from turning the room into a broadcast.
const MAX_PARTICIPANTS = 6;
// Minutes (twilio.com/docs/video/api/rooms-resource#create-room): a room opened at check-in waits
// for the clinician, and one whose participants all dropped stays up long enough for them to
// reconnect to the same room (and the same recording rules) instead of a new one.
const UNUSED_ROOM_TIMEOUT = 30;
const EMPTY_ROOM_TIMEOUT = 10;
// "Room exists": a room with that unique name is already in progress (twilio.com/docs/api/errors/53113).
const ROOM_EXISTS = 53113;

// Twilio addresses an in-progress room by its unique name, so no room SID needs storing.
const roomName = (visitId: string) => `visit-${visitId}`;

/** Twilio Video (group rooms) for visits; `httpClient` replaces the network in tests. */
export function twilioVideoProvider(
	settings: TwilioVideoSettings,
	options: { httpClient?: TwilioHttpClient } = {}
): VideoProvider {
	const client = createTwilioClient(
		{
			accountSid: settings.accountSid,
			authToken: settings.authToken,
			fromNumber: '',
			messagingServiceSid: undefined
		},
		options.httpClient
	);
	const room = (visitId: string) => client.video.v1.rooms(roomName(visitId));

	return {
		kind: 'twilio',
		supportsRecording: true,

		async openRoom(visitId) {
			try {
				await client.video.v1.rooms.create({
					uniqueName: roomName(visitId),
					// Group rooms route media through Twilio's servers, which is what makes recording,
					// network quality and bandwidth profiles available (twilio.com/docs/video/api/rooms-resource).
					type: 'group',
					// Nothing is recorded until the clinician turns it on with the patient's consent:
					// recording rules decide, not the room's creation (twilio.com/docs/video/api/recording-rules).
					recordParticipantsOnConnect: false,
					maxParticipants: MAX_PARTICIPANTS,
					unusedRoomTimeout: UNUSED_ROOM_TIMEOUT,
					emptyRoomTimeout: EMPTY_ROOM_TIMEOUT
				});
			} catch (error) {
				if (twilioStatus(error) === 400 && twilioCode(error) === ROOM_EXISTS) return;
				throw unavailable(error);
			}
		},

		joinGrant(visitId, identity) {
			// An access token signed with an API key, valid for one identity in one room
			// (twilio.com/docs/video/tutorials/user-identity-access-tokens).
			const token = new twilio.jwt.AccessToken(
				settings.accountSid,
				settings.apiKeySid,
				settings.apiKeySecret,
				{ identity, ttl: GRANT_TTL_SECONDS }
			);
			token.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: roomName(visitId) }));
			const grant: JoinGrant = {
				provider: 'twilio',
				identity,
				token: token.toJwt(),
				roomName: roomName(visitId)
			};
			return Promise.resolve(grant);
		},

		async setRecording(visitId, on) {
			try {
				// One rule for every track of every participant (twilio.com/docs/video/api/recording-rules).
				await room(visitId).recordingRules.update({
					rules: [{ type: on ? 'include' : 'exclude', all: true }]
				});
			} catch (error) {
				// A room that is gone records nothing: stopping is done; starting is not.
				if (!on && twilioStatus(error) === 404) return;
				throw unavailable(error);
			}
		},

		async closeRoom(visitId) {
			try {
				// Completing a room disconnects everyone (twilio.com/docs/video/api/rooms-resource#update-room).
				await room(visitId).update({ status: 'completed' });
			} catch (error) {
				// A completed or timed-out room no longer answers to its unique name: it is closed already.
				if (twilioStatus(error) === 404) return;
				throw unavailable(error);
			}
		}
	};
}

/** Any other answer (credentials, rate limit, Twilio down, network) is one error to the visit room. */
function unavailable(error: unknown): AppError {
	const appError = new AppError('VIDEO_UNAVAILABLE');
	// Twilio's message names the room and the error code, never a person: safe to keep for the log.
	appError.cause = error;
	return appError;
}
