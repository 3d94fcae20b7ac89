import { replayTwilio, twilioErrorBody } from '../twilio/replay';
import { describe, expect, test } from 'vitest';
import type { TwilioSettings } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { simulatedPhoneLine } from './simulated';
import { twilioPhoneLine } from './twilio';

const SETTINGS: TwilioSettings = {
	accountSid: 'AC' + '0123456789abcdef'.repeat(2),
	authToken: 'a-real-looking-auth-token',
	fromNumber: '+15005550006',
	messagingServiceSid: undefined
};
const CALLS_URI = `https://api.twilio.com/2010-04-01/Accounts/${SETTINGS.accountSid}/Calls.json`;
const CALL_SID = 'CA' + 'a1b2c3d4e5f60718'.repeat(2);
const LEG = '3c9f1d2e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const CALL = {
	to: '+17205550177',
	answerUrl: `https://clinic.example.org/telephony/voice/leg?leg=${LEG}`,
	statusCallback: `https://clinic.example.org/telephony/voice/leg/status?leg=${LEG}`
};

// The documented answer to "Create a Call" (twilio.com/docs/voice/api/call-resource#create-a-call-resource).
const CALL_QUEUED = {
	sid: CALL_SID,
	account_sid: SETTINGS.accountSid,
	to: CALL.to,
	to_formatted: '(720) 555-0177',
	from: SETTINGS.fromNumber,
	from_formatted: '(500) 555-0006',
	status: 'queued',
	direction: 'outbound-api',
	api_version: '2010-04-01',
	date_created: null,
	date_updated: null,
	start_time: null,
	end_time: null,
	duration: null,
	price: null,
	parent_call_sid: null,
	phone_number_sid: null,
	uri: `/2010-04-01/Accounts/${SETTINGS.accountSid}/Calls/${CALL_SID}.json`
};
const errorBody = twilioErrorBody;

/** Twilio's HTTP layer with a recorded answer in place of the network. */
function replay(answer: Parameters<typeof replayTwilio>[0]) {
	const { requests, http } = replayTwilio(answer);
	return { requests, line: twilioPhoneLine(SETTINGS, { httpClient: http }) };
}

const codeOf = (promise: Promise<unknown>) =>
	promise.then(
		() => 'resolved',
		(error: unknown) => (error instanceof AppError ? error.code : error)
	);

describe('the Twilio phone line', () => {
	test('places a call that fetches its TwiML from the leg webhook and reports ringing, answer and end', async () => {
		const { requests, line } = replay({ statusCode: 201, body: CALL_QUEUED });
		expect(await line.dial({ ...CALL, sendDigits: 'wwww25#' })).toEqual({ callSid: CALL_SID });
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ method: 'post', uri: CALLS_URI, username: SETTINGS.accountSid });
		expect(requests[0]!.data).toEqual({
			To: CALL.to,
			From: SETTINGS.fromNumber,
			Url: CALL.answerUrl,
			Method: 'POST',
			StatusCallback: CALL.statusCallback,
			StatusCallbackEvent: ['ringing', 'answered', 'completed'],
			StatusCallbackMethod: 'POST',
			Timeout: 30,
			SendDigits: 'wwww25#'
		});
	});

	test('hangs up by completing the call; a call that already ended is done', async () => {
		const { requests, line } = replay({ statusCode: 200, body: { ...CALL_QUEUED, status: 'completed' } });
		await line.hangUp(CALL_SID);
		expect(requests[0]).toMatchObject({
			method: 'post',
			uri: `https://api.twilio.com/2010-04-01/Accounts/${SETTINGS.accountSid}/Calls/${CALL_SID}.json`,
			data: { Status: 'completed' }
		});
		const ended = replay({
			statusCode: 400,
			body: errorBody(21220, 400, 'Call is not in-progress. Cannot redirect.')
		});
		expect(await codeOf(ended.line.hangUp(CALL_SID))).toBe('resolved');
	});

	test.each([
		[
			'a refused number (HTTP 400)',
			{ statusCode: 400, body: errorBody(21211, 400, "The 'To' number is not valid") }
		],
		['credentials (HTTP 401)', { statusCode: 401, body: errorBody(20003, 401, 'Authenticate') }],
		['HTTP 500', { statusCode: 500, body: errorBody(20500, 500, 'Internal Server Error') }],
		['a network failure', new Error('getaddrinfo EAI_AGAIN api.twilio.com')]
	] as const)('%s is PHONE_UNAVAILABLE for dialing and hanging up', async (_, answer) => {
		const { line } = replay(answer);
		expect(await codeOf(line.dial(CALL))).toBe('PHONE_UNAVAILABLE');
		expect(await codeOf(line.hangUp(CALL_SID))).toBe('PHONE_UNAVAILABLE');
	});
});

describe('the simulated line (development)', () => {
	test('rings a placed call until the simulator answers or hangs up; hanging up twice is harmless', async () => {
		const line = simulatedPhoneLine();
		const { callSid } = await line.dial(CALL);
		expect(callSid).toMatch(/^CA[0-9a-f]{32}$/);
		expect(line.calls()).toMatchObject([{ callSid, to: CALL.to, status: 'ringing' }]);
		expect(line.mark(callSid, 'answered')).toMatchObject({ status: 'answered' });
		await line.hangUp(callSid);
		await line.hangUp(callSid);
		expect(line.calls()[0]!.status).toBe('completed');
		// An ended call cannot be picked up again.
		expect(line.mark(callSid, 'answered')).toBeNull();
	});
});
