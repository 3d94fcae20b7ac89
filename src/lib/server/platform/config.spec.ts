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
});
