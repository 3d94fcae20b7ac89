import { replayTwilio, twilioErrorBody } from '../twilio/replay';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, test } from 'vitest';
import type { VideoSettings } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { GRANT_TTL_SECONDS, type JoinGrant } from './provider';
import { twilioVideoProvider } from './twilio';

const SETTINGS: Extract<VideoSettings, { kind: 'twilio' }> = {
	kind: 'twilio',
	accountSid: 'AC' + '0123456789abcdef'.repeat(2),
	authToken: 'a-real-looking-auth-token',
	apiKeySid: 'SK' + 'fedcba9876543210'.repeat(2),
	apiKeySecret: 'a-real-looking-api-key-secret'
};
const VISIT = '5f0c7d1e-8a61-4c1b-9a52-0d9e1b7a3c44';
const ROOM = `visit-${VISIT}`;
const ROOMS_URI = 'https://video.twilio.com/v1/Rooms';
const ROOM_SID = 'RM2d5f1c3b7a9e4d6f8a0b1c2d3e4f5a6b';

// The documented answer to "Create a Room" (twilio.com/docs/video/api/rooms-resource#create-room).
const ROOM_CREATED = {
	sid: ROOM_SID,
	status: 'in-progress',
	date_created: '2026-11-30T15:00:00Z',
	date_updated: '2026-11-30T15:00:00Z',
	account_sid: SETTINGS.accountSid,
	enable_turn: true,
	unique_name: ROOM,
	status_callback: null,
	status_callback_method: 'POST',
	end_time: null,
	duration: null,
	type: 'group',
	max_participants: 6,
	max_participant_duration: 14400,
	max_concurrent_published_tracks: 170,
	record_participants_on_connect: false,
	video_codecs: ['VP8', 'H264'],
	media_region: 'us1',
	audio_only: false,
	empty_room_timeout: 10,
	unused_room_timeout: 30,
	large_room: false,
	url: `${ROOMS_URI}/${ROOM_SID}`,
	links: {
		participants: `${ROOMS_URI}/${ROOM_SID}/Participants`,
		recordings: `${ROOMS_URI}/${ROOM_SID}/Recordings`,
		recording_rules: `${ROOMS_URI}/${ROOM_SID}/RecordingRules`
	}
};
const ROOM_COMPLETED = {
	...ROOM_CREATED,
	status: 'completed',
	end_time: '2026-11-30T15:20:00Z',
	duration: 1200
};
// The documented answer to "Update Recording Rules" (twilio.com/docs/video/api/recording-rules).
const rulesAnswer = (type: 'include' | 'exclude') => ({
	room_sid: ROOM_SID,
	rules: [{ type, all: true, publisher: null, track: null, kind: null }],
	date_created: '2026-11-30T15:05:00Z',
	date_updated: '2026-11-30T15:05:00Z'
});
const errorBody = twilioErrorBody;
const NOT_FOUND = errorBody(20404, 404, `The requested resource /Rooms/${ROOM} was not found`);

/** Twilio's HTTP layer with a recorded answer in place of the network. */
function replay(answer: Parameters<typeof replayTwilio>[0]) {
	const { requests, http } = replayTwilio(answer);
	return { requests, provider: twilioVideoProvider(SETTINGS, { httpClient: http }) };
}

const FAILURES = [
	['HTTP 401 (credentials)', { statusCode: 401, body: errorBody(20003, 401, 'Authenticate') }],
	['HTTP 429 (rate limit)', { statusCode: 429, body: errorBody(20429, 429, 'Too Many Requests') }],
	['HTTP 500', { statusCode: 500, body: errorBody(20500, 500, 'Internal Server Error') }],
	['a network failure', new Error('getaddrinfo EAI_AGAIN video.twilio.com')]
] as const;

function tokenOf(grant: JoinGrant): string {
	if (grant.provider !== 'twilio') throw new Error(`expected a Twilio grant, got ${grant.provider}`);
	return grant.token;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		() => 'resolved',
		(error: unknown) => error
	);
}

describe('join grants', () => {
	test('are Twilio access tokens for one identity in the visit’s room, signed with the API key', async () => {
		const { requests, provider } = replay({ statusCode: 201, body: ROOM_CREATED });
		const grant = await provider.joinGrant(VISIT, 'conn-7f3a');

		expect(grant).toEqual({
			provider: 'twilio',
			identity: 'conn-7f3a',
			token: expect.any(String),
			roomName: ROOM
		});
		const token = tokenOf(grant);
		expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
		const claims = decodeJwt(token);
		expect(claims.iss).toBe(SETTINGS.apiKeySid);
		expect(claims.sub).toBe(SETTINGS.accountSid);
		expect(claims.exp! - claims.iat!).toBe(GRANT_TTL_SECONDS);
		expect(claims.grants).toEqual({ identity: 'conn-7f3a', video: { room: ROOM } });
		// Signing needs no call to Twilio.
		expect(requests).toHaveLength(0);
	});

	test('carry neither the auth token nor the API key secret', async () => {
		const { provider } = replay({ statusCode: 201, body: ROOM_CREATED });
		const grant = await provider.joinGrant(VISIT, 'conn-7f3a');
		const token = tokenOf(grant);
		const decoded = JSON.stringify([decodeProtectedHeader(token), decodeJwt(token)]);
		expect(decoded).not.toContain(SETTINGS.authToken);
		expect(decoded).not.toContain(SETTINGS.apiKeySecret);
	});

	test('differ per visit: a grant for one visit does not name another visit’s room', async () => {
		const { provider } = replay({ statusCode: 201, body: ROOM_CREATED });
		const other = tokenOf(await provider.joinGrant('another-visit', 'conn-7f3a'));
		expect(decodeJwt(other).grants).toMatchObject({ video: { room: 'visit-another-visit' } });
	});
});

describe('opening the visit’s room', () => {
	test('creates a group room named after the visit that records nothing until asked', async () => {
		const { requests, provider } = replay({ statusCode: 201, body: ROOM_CREATED });
		await expect(provider.openRoom(VISIT)).resolves.toBeUndefined();

		expect(requests).toHaveLength(1);
		const request = requests[0]!;
		expect(request.method).toBe('post');
		expect(request.uri).toBe(ROOMS_URI);
		expect(request.username).toBe(SETTINGS.accountSid);
		expect(request.password).toBe(SETTINGS.authToken);
		expect(request.data).toEqual({
			UniqueName: ROOM,
			Type: 'group',
			RecordParticipantsOnConnect: 'false',
			MaxParticipants: 6,
			UnusedRoomTimeout: 30,
			EmptyRoomTimeout: 10
		});
	});

	test('is harmless when the room is already open (Twilio error 53113)', async () => {
		const { requests, provider } = replay({ statusCode: 400, body: errorBody(53113, 400, 'Room exists') });
		await expect(provider.openRoom(VISIT)).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
	});

	test('another 400 is not mistaken for an open room', async () => {
		const { provider } = replay({
			statusCode: 400,
			body: errorBody(53123, 400, 'Room max participants out of range')
		});
		const error = await failure(provider.openRoom(VISIT));
		expect(error).toBeInstanceOf(AppError);
		expect(error).toMatchObject({ code: 'VIDEO_UNAVAILABLE' });
	});

	test.each(FAILURES)('%s surfaces as VIDEO_UNAVAILABLE', async (_, answer) => {
		const { provider } = replay(answer);
		const error = await failure(provider.openRoom(VISIT));
		expect(error).toBeInstanceOf(AppError);
		expect(error).toMatchObject({ code: 'VIDEO_UNAVAILABLE' });
	});
});

describe('recording', () => {
	test.each([
		[true, 'include'],
		[false, 'exclude']
	] as const)('on=%s posts one rule that %ss every track', async (on, type) => {
		const { requests, provider } = replay({ statusCode: 202, body: rulesAnswer(type) });
		await expect(provider.setRecording(VISIT, on)).resolves.toBeUndefined();

		expect(requests).toHaveLength(1);
		const request = requests[0]!;
		expect(request.method).toBe('post');
		expect(request.uri).toBe(`${ROOMS_URI}/${ROOM}/RecordingRules`);
		// The twilio library sends the rules as one JSON-encoded form field.
		expect(request.data).toEqual({ Rules: JSON.stringify([{ type, all: true }]) });
	});

	test('stopping in a room that is gone is done already', async () => {
		const { provider } = replay({ statusCode: 404, body: NOT_FOUND });
		await expect(provider.setRecording(VISIT, false)).resolves.toBeUndefined();
	});

	test('starting in a room that is gone fails: nothing would be recorded', async () => {
		const { provider } = replay({ statusCode: 404, body: NOT_FOUND });
		const error = await failure(provider.setRecording(VISIT, true));
		expect(error).toBeInstanceOf(AppError);
		expect(error).toMatchObject({ code: 'VIDEO_UNAVAILABLE' });
	});

	test.each(FAILURES)('%s surfaces as VIDEO_UNAVAILABLE', async (_, answer) => {
		const { provider } = replay(answer);
		const error = await failure(provider.setRecording(VISIT, true));
		expect(error).toBeInstanceOf(AppError);
		expect(error).toMatchObject({ code: 'VIDEO_UNAVAILABLE' });
	});
});

describe('closing the visit’s room', () => {
	test('completes the room by its unique name', async () => {
		const { requests, provider } = replay({ statusCode: 200, body: ROOM_COMPLETED });
		await expect(provider.closeRoom(VISIT)).resolves.toBeUndefined();

		expect(requests).toHaveLength(1);
		const request = requests[0]!;
		expect(request.method).toBe('post');
		expect(request.uri).toBe(`${ROOMS_URI}/${ROOM}`);
		expect(request.data).toEqual({ Status: 'completed' });
	});

	test('a room that is gone (404) is closed already', async () => {
		const { provider } = replay({ statusCode: 404, body: NOT_FOUND });
		await expect(provider.closeRoom(VISIT)).resolves.toBeUndefined();
	});

	test.each(FAILURES)('%s surfaces as VIDEO_UNAVAILABLE', async (_, answer) => {
		const { provider } = replay(answer);
		const error = await failure(provider.closeRoom(VISIT));
		expect(error).toBeInstanceOf(AppError);
		expect(error).toMatchObject({ code: 'VIDEO_UNAVAILABLE' });
	});
});
