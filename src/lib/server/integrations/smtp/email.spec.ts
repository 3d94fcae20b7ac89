import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, test } from 'vitest';
import { PermanentDeliveryError, type DeliverableMessage } from '../../platform/outbox/transport';
import { smtpEmailTransport } from './email';

type Received = { from: string; to: string[]; raw: string };

/** A real SMTP server on a free local port, which keeps what it receives (or refuses as told). */
async function mailServer(options: Partial<SMTPServerOptions> = {}) {
	const received: Received[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('utf8')
				});
				callback();
			});
		},
		...options
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	servers.push(server);
	return { received, url: `smtp://127.0.0.1:${port}?ignoreTLS=true`, port };
}

const servers: SMTPServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const CALENDAR = [
	'BEGIN:VCALENDAR',
	'VERSION:2.0',
	'METHOD:REQUEST',
	'BEGIN:VEVENT',
	'UID:0b6f@anyvisit',
	'SUMMARY:Visita con Clínica Comunitaria',
	'END:VEVENT',
	'END:VCALENDAR'
].join('\r\n');

function email(idempotencyKey = 'appointment-message:42'): DeliverableMessage {
	return {
		id: 'outbox-42',
		channel: 'email',
		idempotencyKey,
		attempts: 1,
		dataKeyId: 'k',
		payload: {
			to: 'rosa.hernandez@example.org',
			subject: 'Su visita: lunes 30 de noviembre, 10:00',
			text: 'Hola. Su visita con Clínica Comunitaria es el lunes 30 de noviembre a las 10:00.',
			language: 'es',
			attachments: [
				{
					filename: 'visit.ics',
					contentType: 'text/calendar; charset=utf-8; method=REQUEST',
					content: CALENDAR
				}
			]
		}
	};
}

describe('email through an SMTP relay', () => {
	test('the relay receives the message in the patient’s language with the calendar invitation', async () => {
		const server = await mailServer();
		const transport = smtpEmailTransport({ url: server.url, from: 'AnyVisit <visits@clinic.example.org>' });

		const delivered = await transport.deliver(email());

		expect(server.received).toHaveLength(1);
		const mail = server.received[0]!;
		expect(mail.from).toBe('visits@clinic.example.org');
		expect(mail.to).toEqual(['rosa.hernandez@example.org']);
		const parsed = await simpleParser(mail.raw);
		expect(parsed.subject).toBe('Su visita: lunes 30 de noviembre, 10:00');
		expect(parsed.text?.trim()).toBe(
			'Hola. Su visita con Clínica Comunitaria es el lunes 30 de noviembre a las 10:00.'
		);
		expect(parsed.headers.get('content-language')).toBe('es');
		expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
		expect(parsed.messageId).toBe(delivered.remoteId);
		const invitation = parsed.attachments.find((a) => a.filename === 'visit.ics');
		expect(invitation?.contentType).toBe('text/calendar');
		expect(invitation?.content.toString('utf8')).toContain('METHOD:REQUEST');
		expect(invitation?.content.toString('utf8')).toContain('SUMMARY:Visita con Clínica Comunitaria');
	});

	test('a retry of the same message carries the same Message-ID; another message does not', async () => {
		const server = await mailServer();
		const transport = smtpEmailTransport({ url: server.url, from: 'visits@clinic.example.org' });
		const first = await transport.deliver(email('appointment-message:7'));
		const again = await transport.deliver(email('appointment-message:7'));
		const other = await transport.deliver(email('appointment-message:8'));
		expect(again.remoteId).toBe(first.remoteId);
		expect(other.remoteId).not.toBe(first.remoteId);
		expect(first.remoteId).toMatch(/^<[0-9a-f]{32}@clinic\.example\.org>$/);
	});

	test('a mailbox the relay refuses for good (550) is not retried, and the error names no address', async () => {
		const server = await mailServer({
			onRcptTo(_address, _session, callback) {
				const refusal = Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 });
				callback(refusal);
			}
		});
		const transport = smtpEmailTransport({ url: server.url, from: 'visits@clinic.example.org' });
		const failure = await transport.deliver(email()).catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(PermanentDeliveryError);
		expect((failure as Error).message).toContain('550');
		expect((failure as Error).message).not.toContain('rosa');
		expect(server.received).toHaveLength(0);
	});

	test('a relay that defers (451) is retried later', async () => {
		const server = await mailServer({
			onRcptTo(_address, _session, callback) {
				callback(Object.assign(new Error('4.7.1 Try again later'), { responseCode: 451 }));
			}
		});
		const transport = smtpEmailTransport({ url: server.url, from: 'visits@clinic.example.org' });
		const failure = await transport.deliver(email()).catch((e: unknown) => e);
		expect(failure).not.toBeInstanceOf(PermanentDeliveryError);
		expect((failure as Error).message).toContain('451');
	});

	test('a relay that cannot be reached is retried later', async () => {
		const server = await mailServer();
		await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
		const transport = smtpEmailTransport({ url: server.url, from: 'visits@clinic.example.org' });
		const failure = await transport.deliver(email()).catch((e: unknown) => e);
		expect(failure).not.toBeInstanceOf(PermanentDeliveryError);
		expect((failure as Error).message).toContain('could not be reached');
	});

	test('a payload that is not an email is refused without connecting', async () => {
		const server = await mailServer();
		const transport = smtpEmailTransport({ url: server.url, from: 'visits@clinic.example.org' });
		await expect(transport.deliver({ ...email(), payload: { to: 'x@example.org' } })).rejects.toBeInstanceOf(
			PermanentDeliveryError
		);
		expect(server.received).toHaveLength(0);
	});
});
