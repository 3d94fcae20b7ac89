import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config';
import { systemClock } from '../clock';
import { createLogger } from '../logger';
import type { Runtime } from '../runtime';
import { operatorContext } from './access';

function runtimeIn(env: 'development' | 'production'): Runtime {
	const key = Buffer.alloc(32, 1).toString('base64');
	const config = loadConfig({
		APP_ENV: env,
		DATABASE_URL: 'postgres://h/db',
		KEK: key,
		BLIND_INDEX_KEY: key
	});
	return { config, clock: systemClock, logger: createLogger({ level: 'silent' }) } as Runtime;
}

describe('operator access', () => {
	test('outside production the development operator acts', () => {
		expect(
			operatorContext(runtimeIn('development'), { ip: null, userAgent: null, requestId: 'req-1' }).actor
		).toEqual({ kind: 'dev-operator' });
	});

	test('in production the development tools are closed', () => {
		expect(() =>
			operatorContext(runtimeIn('production'), { ip: null, userAgent: null, requestId: 'req-1' })
		).toThrow(expect.objectContaining({ code: 'FORBIDDEN', status: 403 }));
	});
});
