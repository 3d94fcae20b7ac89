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

const locals = {
	actor: { kind: 'anonymous' as const },
	origin: { ip: null, userAgent: null, requestId: 'req-1' }
};

describe('operator access', () => {
	test('outside production the development operator acts', () => {
		expect(operatorContext(runtimeIn('development'), locals).actor).toEqual({ kind: 'dev-operator' });
	});

	test('a signed-in staff member acts as themself, in production too', () => {
		const staff = { kind: 'staff' as const, id: 's1', organizationId: 'o1', roles: ['admin'] };
		expect(operatorContext(runtimeIn('production'), { ...locals, actor: staff }).actor).toEqual(staff);
	});

	test('in production the development tools are closed', () => {
		expect(() => operatorContext(runtimeIn('production'), locals)).toThrow(
			expect.objectContaining({ code: 'FORBIDDEN', status: 403 })
		);
	});
});
