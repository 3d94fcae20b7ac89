import { replayTwilio, twilioErrorBody } from './replay';
import { describe, expect, test } from 'vitest';
import type { TwilioSettings } from '../../platform/config';
import { PermanentDeliveryError, type DeliverableMessage } from '../../platform/outbox/transport';
import { createTwilioClient } from './client';
import { twilioSmsTransport } from './messaging';
import { reminderCallTwiml, twilioVoiceTransport } from './voice';

const SETTINGS: TwilioSettings = {
	accountSid: 'AC' + '0123456789abcdef'.repeat(2),
	authToken: 'a-real-looking-auth-token',
	fromNumber: '+15005550006',
	messagingServiceSid: undefined
};
const CALLBACK = 'https://clinic.example.org/telephony/sms/status';

// The documented answer to "Create a Message" (twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
const MESSAGE_CREATED = {
	account_sid: SETTINGS.accountSid,
	api_version: '2010-04-01',
	body: 'Clínica: visita lun 30 nov 10:00. Responda C para confirmar.',
	date_created: 'Mon, 30 Nov 2026 15:00:00 +0000',
	date_sent: null,
	date_updated: 'Mon, 30 Nov 2026 15:00:00 +0000',
	direction: 'outbound-api',
	error_code: null,
	error_message: null,
	from: '+15005550006',
	messaging_service_sid: null,
	num_media: '0',
	num_segments: '1',
	price: null,
	price_unit: 'USD',
	sid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
	status: 'queued',
	subresource_uris: { media: '/2010-04-01/Accounts/AC.../Messages/SM.../Media.json' },
	to: '+13125550101',
	uri: '/2010-04-01/Accounts/AC.../Messages/SM1f0e8ae6ade43cb3c0ce4525424e404f.json'
};
// The documented answer to "Create a Call".
const CALL_CREATED = {
	account_sid: SETTINGS.accountSid,
	answered_by: null,
	api_version: '2010-04-01',
	caller_name: null,
	date_created: null,
	direction: 'outbound-api',
	duration: null,
	from: '+15005550006',
	parent_call_sid: null,
	sid: 'CAafd5d5ac9f7a6ce4e4d7b3c7f6f0f5a1',
	start_time: null,
	status: 'queued',
	to: '+13125550199',
	uri: '/2010-04-01/Accounts/AC.../Calls/CAafd5d5ac9f7a6ce4e4d7b3c7f6f0f5a1.json'
};
const errorBody = twilioErrorBody;

/** Twilio's HTTP layer with a recorded answer in place of the network. */
const replay = replayTwilio;

function message(channel: 'sms' | 'voice', payload: Record<string, unknown>): DeliverableMessage {
	return {
		id: 'outbox-1',
		channel,
		idempotencyKey: 'appointment-message:1',
		attempts: 1,
		dataKeyId: 'k',
		payload
	};
}

const TEXT = { to: '+13125550101', body: MESSAGE_CREATED.body, language: 'es' };

describe('texts through Twilio Programmable Messaging', () => {
	test('posts To, From, Body and the status callback to the account’s Messages resource', async () => {
		const { requests, http } = replay({ statusCode: 201, body: MESSAGE_CREATED });
		const sms = twilioSmsTransport(SETTINGS, createTwilioClient(SETTINGS, http), CALLBACK);
		const delivered = await sms.deliver(message('sms', TEXT));

		expect(delivered.remoteId).toBe('SM1f0e8ae6ade43cb3c0ce4525424e404f');
		expect(requests).toHaveLength(1);
		const request = requests[0]!;
		expect(request.method).toBe('post');
		expect(request.uri).toBe(
			`https://api.twilio.com/2010-04-01/Accounts/${SETTINGS.accountSid}/Messages.json`
		);
		expect(request.username).toBe(SETTINGS.accountSid);
		expect(request.password).toBe(SETTINGS.authToken);
		expect(request.data).toEqual({
			To: '+13125550101',
			From: '+15005550006',
			Body: TEXT.body,
			StatusCallback: CALLBACK
		});
	});

	test('sends through a Messaging Service instead of a number when one is configured', async () => {
		const { requests, http } = replay({ statusCode: 201, body: MESSAGE_CREATED });
		const settings = { ...SETTINGS, messagingServiceSid: 'MG' + 'fedcba9876543210'.repeat(2) };
		await twilioSmsTransport(settings, createTwilioClient(settings, http), CALLBACK).deliver(
			message('sms', TEXT)
		);
		expect(requests[0]!.data).toMatchObject({ MessagingServiceSid: settings.messagingServiceSid });
		expect(requests[0]!.data).not.toHaveProperty('From');
	});

	test.each([
		[400, 21211, "The 'To' number +1312555 is not a valid phone number."],
		[400, 21610, 'Attempt to send to unsubscribed recipient'],
		[400, 21614, "'To' number is not a valid mobile number"],
		[403, 21408, 'Permission to send an SMS has not been enabled for the region']
	])('HTTP %i with error %i is never retried, and the error names no number', async (status, code, text) => {
		const { http } = replay({ statusCode: status, body: errorBody(code, status, text) });
		const sms = twilioSmsTransport(SETTINGS, createTwilioClient(SETTINGS, http), CALLBACK);
		const failure = await sms.deliver(message('sms', TEXT)).catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(PermanentDeliveryError);
		expect((failure as Error).message).toContain(String(code));
		expect((failure as Error).message).not.toContain('+1312');
	});

	test.each([
		[429, 20429, 'Too Many Requests'],
		[500, 20500, 'Internal Server Error'],
		[503, 20503, 'Service Unavailable'],
		[401, 20003, 'Authenticate']
	])('HTTP %i is retried later', async (status, code, text) => {
		const { http } = replay({ statusCode: status, body: errorBody(code, status, text) });
		const sms = twilioSmsTransport(SETTINGS, createTwilioClient(SETTINGS, http), CALLBACK);
		const failure = await sms.deliver(message('sms', TEXT)).catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(Error);
		expect(failure).not.toBeInstanceOf(PermanentDeliveryError);
		expect((failure as Error).message).toContain(`HTTP ${status}`);
	});

	test('a network failure is retried later', async () => {
		const { http } = replay(new Error('getaddrinfo EAI_AGAIN api.twilio.com'));
		const sms = twilioSmsTransport(SETTINGS, createTwilioClient(SETTINGS, http), CALLBACK);
		const failure = await sms.deliver(message('sms', TEXT)).catch((e: unknown) => e);
		expect(failure).not.toBeInstanceOf(PermanentDeliveryError);
		expect((failure as Error).message).toContain('could not be reached');
	});

	test('a payload that is not a text is refused without calling Twilio', async () => {
		const { requests, http } = replay({ statusCode: 201, body: MESSAGE_CREATED });
		const sms = twilioSmsTransport(SETTINGS, createTwilioClient(SETTINGS, http), CALLBACK);
		await expect(sms.deliver(message('sms', { to: '+13125550101' }))).rejects.toBeInstanceOf(
			PermanentDeliveryError
		);
		expect(requests).toHaveLength(0);
	});
});

describe('reminder calls through Twilio Programmable Voice', () => {
	const CALL = {
		to: '+13125550199',
		say: 'Hola. Su visita es el lunes 30 de noviembre a las 10:00.',
		language: 'es'
	};

	test('places a call from the clinic number with the reminder as inline TwiML', async () => {
		const { requests, http } = replay({ statusCode: 201, body: CALL_CREATED });
		const voice = twilioVoiceTransport(
			SETTINGS,
			createTwilioClient(SETTINGS, http),
			'https://clinic.example.org/telephony/voice/status'
		);
		const delivered = await voice.deliver(message('voice', CALL));

		expect(delivered.remoteId).toBe(CALL_CREATED.sid);
		const request = requests[0]!;
		expect(request.uri).toBe(`https://api.twilio.com/2010-04-01/Accounts/${SETTINGS.accountSid}/Calls.json`);
		expect(request.data).toMatchObject({
			To: '+13125550199',
			From: '+15005550006',
			StatusCallback: 'https://clinic.example.org/telephony/voice/status',
			StatusCallbackEvent: ['completed'],
			StatusCallbackMethod: 'POST'
		});
		const twiml = String(request.data?.Twiml);
		expect(twiml).toContain('<Say voice="Polly.Lupe" language="es-US">Hola. Su visita es el lunes');
		expect(twiml.match(/<Say /g)).toHaveLength(2);
	});

	test('a call with choices is answered by the webhook, after answering-machine detection', async () => {
		const { requests, http } = replay({ statusCode: 201, body: CALL_CREATED });
		const voice = twilioVoiceTransport(
			SETTINGS,
			createTwilioClient(SETTINGS, http),
			CALLBACK,
			(id) => `https://clinic.example.org/telephony/voice/reminder?message=${id}`
		);
		const sent = message('voice', { ...CALL, appointmentId: 'a1', keypad: true });
		await voice.deliver(sent);
		expect(requests[0]!.data).toMatchObject({
			To: '+13125550199',
			Url: `https://clinic.example.org/telephony/voice/reminder?message=${sent.id}`,
			Method: 'POST',
			MachineDetection: 'DetectMessageEnd'
		});
		expect(requests[0]!.data?.Twiml).toBeUndefined();
	});

	test('each language is spoken by a voice of that language, and text is escaped as XML', () => {
		expect(reminderCallTwiml('مرحبا', 'ar')).toContain('language="ar-XA"');
		expect(reminderCallTwiml('Xin chào', 'vi')).toContain('language="vi-VN"');
		expect(reminderCallTwiml('Kumusta', 'tl')).toContain('language="fil-PH"');
		expect(reminderCallTwiml('你好', 'zh-Hans')).toContain('language="cmn-CN"');
		expect(reminderCallTwiml('Hi', 'xx')).toContain('language="en-US"');
		expect(reminderCallTwiml('Dr. <Smith> & co', 'en')).toContain('Dr. &lt;Smith&gt; &amp; co');
	});

	test('a number Twilio cannot call is never retried', async () => {
		const { http } = replay({
			statusCode: 400,
			body: errorBody(21215, 400, 'Geo Permission configuration is not permitting call')
		});
		const voice = twilioVoiceTransport(SETTINGS, createTwilioClient(SETTINGS, http), CALLBACK);
		await expect(voice.deliver(message('voice', CALL))).rejects.toBeInstanceOf(PermanentDeliveryError);
	});
});
