import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createLogger } from './logger';

describe('structured logs', () => {
	test('PHI and secrets are redacted before a line is written', () => {
		let written = '';
		const sink = new Writable({
			write(chunk: Buffer, _e, done) {
				written += chunk.toString();
				done();
			}
		});
		const logger = createLogger({ level: 'info' }, sink);
		logger.info(
			{
				patient: {
					name: 'Rosa Hernández',
					birthDate: '1979-04-12',
					phone: '+15125550101',
					email: 'r@example.org'
				},
				message: { to: '+15125550101', body: 'Your code is 123456' },
				req: { headers: { cookie: 'session=abc', authorization: 'Bearer xyz' } },
				outboxId: 'keep-me'
			},
			'sent'
		);
		for (const secret of [
			'Rosa',
			'1979-04-12',
			'+15125550101',
			'r@example.org',
			'123456',
			'session=abc',
			'Bearer xyz'
		]) {
			expect(written).not.toContain(secret);
		}
		const line = JSON.parse(written) as { outboxId: string; msg: string; service: string };
		expect(line).toMatchObject({ outboxId: 'keep-me', msg: 'sent', service: 'anyvisit' });
	});
});
