import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from './config';

describe('configuration', () => {
	test('embedded defaults when nothing is set', () => {
		const config = loadConfig({});
		expect(config).toMatchObject({
			env: 'development',
			port: 3000,
			host: '0.0.0.0',
			dataDir: path.resolve('./data'),
			databaseUrl: undefined,
			seedDemoData: true
		});
	});

	test('reads PORT, HOST, DATA_DIR and DATABASE_URL', () => {
		const config = loadConfig({
			PORT: '8080',
			HOST: '127.0.0.1',
			DATA_DIR: '/tmp/x',
			DATABASE_URL: 'postgres://u@h/db'
		});
		expect(config).toMatchObject({
			port: 8080,
			host: '127.0.0.1',
			dataDir: '/tmp/x',
			databaseUrl: 'postgres://u@h/db'
		});
	});

	test.each([
		[{ PORT: 'eighty' }, 'PORT'],
		[{ PORT: '70000' }, 'PORT'],
		[{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
		[{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
		[{ APP_ENV: 'staging' }, 'APP_ENV']
	])('refuses %j with a message naming %s', (env, name) => {
		expect(() => loadConfig(env)).toThrow(name);
	});

	test('an empty variable counts as unset', () => {
		expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
	});

	const KEY = Buffer.alloc(32, 7).toString('base64');

	test('production requires PostgreSQL and keys from the environment', () => {
		expect(() => loadConfig({ APP_ENV: 'production' })).toThrow('DATABASE_URL is required');
		expect(() => loadConfig({ APP_ENV: 'production', DATABASE_URL: 'postgres://h/db' })).toThrow(
			'KEK and BLIND_INDEX_KEY are required'
		);
		const config = loadConfig({
			APP_ENV: 'production',
			DATABASE_URL: 'postgres://h/db',
			KEK: KEY,
			BLIND_INDEX_KEY: KEY
		});
		expect(config).toMatchObject({ env: 'production', keys: { kek: KEY, indexKey: KEY } });
	});

	test('keys must be base64', () => {
		expect(() => loadConfig({ KEK: 'not base64!' })).toThrow('KEK');
	});

	test('texts, calls and email go to the development outbox until Twilio and SMTP are configured', () => {
		expect(loadConfig({})).toMatchObject({ twilio: null, smtp: null });
		const sid = 'AC' + 'ab'.repeat(16);
		const configured = loadConfig({
			TWILIO_ACCOUNT_SID: sid,
			TWILIO_AUTH_TOKEN: 'a-real-looking-auth-token',
			TWILIO_FROM_NUMBER: '+15005550006',
			SMTP_URL: 'smtps://user:secret@smtp.example.org:465',
			SMTP_FROM: 'AnyVisit <visits@clinic.example.org>'
		});
		expect(configured.twilio).toEqual({
			accountSid: sid,
			authToken: 'a-real-looking-auth-token',
			fromNumber: '+15005550006',
			messagingServiceSid: undefined
		});
		expect(configured.smtp).toEqual({
			url: 'smtps://user:secret@smtp.example.org:465',
			from: 'AnyVisit <visits@clinic.example.org>'
		});
	});

	test('the phone extras: an interpreter line with its language codes, and browser calls through a TwiML App', () => {
		expect(loadConfig({})).toMatchObject({ interpreterLine: null, browserCalls: null });
		expect(
			loadConfig({ INTERPRETER_LINE_NUMBER: '+18005550199', INTERPRETER_LINE_CODES: 'es=11,ht=25,zh-Hans=4' })
				.interpreterLine
		).toEqual({ number: '+18005550199', codes: { es: '11', ht: '25', 'zh-Hans': '4' } });
		expect(() => loadConfig({ INTERPRETER_LINE_CODES: 'es:11' })).toThrow('INTERPRETER_LINE_CODES');
		expect(() => loadConfig({ INTERPRETER_LINE_NUMBER: '800-555-0199' })).toThrow('INTERPRETER_LINE_NUMBER');
		const twilio = {
			TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
			TWILIO_AUTH_TOKEN: 'a-real-looking-auth-token',
			TWILIO_FROM_NUMBER: '+15005550006',
			TWILIO_API_KEY_SID: 'SK' + '1'.repeat(32),
			TWILIO_API_KEY_SECRET: 'a-real-looking-api-key-secret'
		};
		// Without the TwiML App the clinician joins by phone only.
		expect(loadConfig(twilio).browserCalls).toBeNull();
		expect(loadConfig({ ...twilio, TWILIO_TWIML_APP_SID: 'AP' + '2'.repeat(32) }).browserCalls).toEqual({
			accountSid: twilio.TWILIO_ACCOUNT_SID,
			apiKeySid: twilio.TWILIO_API_KEY_SID,
			apiKeySecret: twilio.TWILIO_API_KEY_SECRET,
			twimlAppSid: 'AP' + '2'.repeat(32)
		});
		expect(() => loadConfig({ ...twilio, TWILIO_TWIML_APP_SID: 'AP123' })).toThrow('TWILIO_TWIML_APP_SID');
	});

	test('a half-configured Twilio or SMTP stops the process with a clear message', () => {
		const sid = 'AC' + 'ab'.repeat(16);
		expect(() =>
			loadConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'a-real-looking-auth-token' })
		).toThrow('TWILIO_FROM_NUMBER');
		expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'not-a-sid' })).toThrow('TWILIO_ACCOUNT_SID');
		expect(() => loadConfig({ TWILIO_FROM_NUMBER: '555-0100' })).toThrow('TWILIO_FROM_NUMBER');
		expect(() => loadConfig({ SMTP_URL: 'smtp://relay.example.org' })).toThrow('SMTP_FROM');
		expect(() => loadConfig({ SMTP_URL: 'http://relay.example.org', SMTP_FROM: 'a@b.c' })).toThrow(
			'SMTP_URL'
		);
	});

	test('video is peer to peer until a Twilio API key is configured; ICE servers are validated', () => {
		const sid = 'AC' + 'ab'.repeat(16);
		expect(loadConfig({}).video).toEqual({ kind: 'p2p', stunUrls: [], turnUrls: [], turnSecret: undefined });
		const p2p = loadConfig({
			STUN_URLS: 'stun:stun.example.org:3478,stun:stun2.example.org',
			TURN_URLS: 'turns:turn.example.org:443?transport=tcp',
			TURN_SECRET: 'a-long-shared-turn-secret'
		}).video;
		expect(p2p).toEqual({
			kind: 'p2p',
			stunUrls: ['stun:stun.example.org:3478', 'stun:stun2.example.org'],
			turnUrls: ['turns:turn.example.org:443?transport=tcp'],
			turnSecret: 'a-long-shared-turn-secret'
		});
		const twilio = {
			TWILIO_ACCOUNT_SID: sid,
			TWILIO_AUTH_TOKEN: 'a-real-looking-auth-token',
			TWILIO_FROM_NUMBER: '+15005550006',
			TWILIO_API_KEY_SID: 'SK' + 'cd'.repeat(16),
			TWILIO_API_KEY_SECRET: 'a-real-looking-key-secret'
		};
		expect(loadConfig(twilio).video).toMatchObject({ kind: 'twilio', apiKeySid: twilio.TWILIO_API_KEY_SID });
		expect(() => loadConfig({ ...twilio, TWILIO_API_KEY_SECRET: '' })).toThrow('TWILIO_API_KEY_SECRET');
		expect(() =>
			loadConfig({ TWILIO_API_KEY_SID: twilio.TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET: 'x'.repeat(20) })
		).toThrow('TWILIO_ACCOUNT_SID');
		expect(() => loadConfig({ STUN_URLS: 'http://stun.example.org' })).toThrow('STUN_URLS');
		expect(() => loadConfig({ TURN_URLS: 'turn:turn.example.org' })).toThrow('TURN_SECRET');
	});
});
