import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { fixedClock } from '../../platform/clock';
import { ClearinghouseError, httpClearinghouse, sandboxClearinghouse } from './clearinghouse';
import { coreRequestBody, readCoreFields } from './core';
import { build270, parse271, traceNumberOf } from './eligibility';
import { buildClaim837p } from './claim837p';
import { claimFor, CONTROL, eligibilityRequest } from './fixtures/factory';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const REQUEST_270 = fixture('270-sample.x12').replace(/\n$/, '');
/** The boundary fixtures/core-response.txt is served with (its preamble says so). */
const RESPONSE_TYPE = 'multipart/form-data; boundary=CORE-sample-5f2c9a1e';
/** What identifies the patient in REQUEST_270: none of it may appear in an error. */
const PHI = ['ACT-TH-0001', 'HERNANDEZ', 'ROSA', '19790412'];

type Received = { method: string; url: string; contentType: string; body: string };

const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(
		servers.splice(0).map((server) => {
			server.closeAllConnections();
			return new Promise<void>((resolve) => server.close(() => resolve()));
		})
	);
});

/** A real HTTP server on a free local port that keeps what it receives and answers as told. */
async function clearinghouseServer(answer: (received: Received, response: ServerResponse) => void) {
	const received: Received[] = [];
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const r = {
				method: request.method ?? '',
				url: request.url ?? '',
				contentType: request.headers['content-type'] ?? '',
				body: Buffer.concat(chunks).toString('utf8')
			};
			received.push(r);
			answer(r, response);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	servers.push(server);
	const port = (server.address() as AddressInfo).port;
	return { received, url: `http://127.0.0.1:${port}/core/eligibility` };
}

const sample = (response: ServerResponse) =>
	response.writeHead(200, { 'content-type': RESPONSE_TYPE }).end(fixture('core-response.txt'));

/** A CORE response envelope with the given fields, as a clearinghouse would send it. */
function envelope(fields: Record<string, string>) {
	const body = Object.entries(fields)
		.map(([name, value]) => `--b0undary\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}`)
		.join('\r\n');
	return { type: 'multipart/form-data; boundary=b0undary', body: `${body}\r\n--b0undary--\r\n` };
}

async function failure(promise: Promise<unknown>): Promise<ClearinghouseError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(ClearinghouseError);
	const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
	for (const value of PHI) expect(text).not.toContain(value);
	return error as ClearinghouseError;
}

const options = (url: string) => ({
	url,
	username: 'anyvisit-sandbox',
	password: 'not-a-real-secret',
	timeoutMs: 5_000,
	clock: fixedClock('2026-11-30T15:04:05.123Z')
});

describe('the CORE envelope', () => {
	test('a real-time request is the documented multipart sample, field for field', () => {
		const { contentType, body } = coreRequestBody(
			{
				payloadId: 'e51d4fae-7dec-41d0-a765-00a0c91e6da6',
				timeStamp: new Date('2026-11-30T15:04:05.123Z'),
				senderId: 'ANYVISIT',
				receiverId: 'SBXCLEARING',
				username: 'anyvisit-sandbox',
				password: 'not-a-real-secret',
				payload: REQUEST_270
			},
			'AnyVisit-sample-7d41c0b2'
		);
		expect(contentType).toBe('multipart/form-data; boundary=AnyVisit-sample-7d41c0b2');
		expect(body).toBe(fixture('core-request.txt'));
	});

	test('a boundary found in the payload is refused', () => {
		expect(() =>
			coreRequestBody(
				{
					payloadId: 'x',
					timeStamp: new Date(),
					senderId: 'A',
					receiverId: 'B',
					username: 'u',
					password: 'p',
					payload: 'ISA--b--'
				},
				'b'
			)
		).toThrow(RangeError);
	});

	test('the recorded response gives its metadata and the 271 payload', () => {
		const fields = readCoreFields(RESPONSE_TYPE, fixture('core-response.txt'));
		expect(fields && Object.fromEntries([...fields].filter(([name]) => name !== 'Payload'))).toEqual({
			PayloadType: 'X12_271_Response_005010X279A1',
			ProcessingMode: 'RealTime',
			PayloadID: '0c3e6a52-4b1f-4d7e-9a61-2f8d3c5b7e90',
			TimeStamp: '2026-11-30T15:04:06Z',
			SenderID: 'SBXCLEARING',
			ReceiverID: 'ANYVISIT',
			CORERuleVersion: '2.2.0',
			ErrorCode: 'Success',
			ErrorMessage: 'None'
		});
		const payload = fields?.get('Payload') ?? '';
		expect(payload.startsWith('ISA*00*')).toBe(true);
		expect(payload.endsWith('IEA*1*000000007~')).toBe(true);
	});

	test('bare LF line breaks and a quoted boundary read the same', () => {
		const crlf = readCoreFields(RESPONSE_TYPE, fixture('core-response.txt'));
		const lf = readCoreFields(
			'multipart/form-data; boundary="CORE-sample-5f2c9a1e"',
			fixture('core-response.txt').replace(/\r\n/g, '\n')
		);
		expect(lf).toEqual(crlf);
		expect(lf?.size).toBe(10);
	});

	test.each([
		[
			'cut off before the closing boundary',
			RESPONSE_TYPE,
			fixture('core-response.txt').split('--CORE-sample-5f2c9a1e--')[0]!
		],
		['not multipart', 'text/html', fixture('core-response.txt')],
		['multipart without a boundary', 'multipart/form-data', fixture('core-response.txt')]
	])('an answer %s is no envelope', (_, type, body) => {
		expect(readCoreFields(type, body)).toBeUndefined();
	});
});

describe('the HTTP clearinghouse (CAQH CORE vC2.2.0 over a real socket)', () => {
	test('posts the 270 as a CORE real-time request and returns the 271 from the Payload field', async () => {
		const server = await clearinghouseServer((_, response) => sample(response));
		const answer = await httpClearinghouse(options(server.url)).check(REQUEST_270);

		expect(answer).toBe(readCoreFields(RESPONSE_TYPE, fixture('core-response.txt'))?.get('Payload'));
		expect(parse271(answer)).toMatchObject({
			outcome: 'active',
			telehealth: 'covered',
			copay: [{ amount: 20, serviceType: '98', network: 'in' }],
			traceNumber: traceNumberOf(CONTROL)
		});
		expect(server.received).toHaveLength(1);
		const [request] = server.received;
		expect(request?.method).toBe('POST');
		expect(request?.url).toBe('/core/eligibility');
		expect(request?.contentType).toMatch(/^multipart\/form-data; boundary=AnyVisit-[0-9a-f-]{36}$/);
		// Read back with the platform's own multipart parser (undici), not ours.
		const form = await new Response(request?.body, {
			headers: { 'content-type': request?.contentType ?? '' }
		}).formData();
		expect([...form.keys()]).toEqual([
			'PayloadType',
			'ProcessingMode',
			'PayloadID',
			'TimeStamp',
			'UserName',
			'Password',
			'SenderID',
			'ReceiverID',
			'CORERuleVersion',
			'Payload'
		]);
		expect(form.get('PayloadType')).toBe('X12_270_Request_005010X279A1');
		expect(form.get('ProcessingMode')).toBe('RealTime');
		expect(form.get('PayloadID')).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
		);
		expect(form.get('TimeStamp')).toBe('2026-11-30T15:04:05Z');
		expect(form.get('UserName')).toBe('anyvisit-sandbox');
		expect(form.get('Password')).toBe('not-a-real-secret');
		// By default, the interchange's own sender and receiver (ISA06, ISA08).
		expect(form.get('SenderID')).toBe('ANYVISIT');
		expect(form.get('ReceiverID')).toBe('SBXCLEARING');
		expect(form.get('CORERuleVersion')).toBe('2.2.0');
		expect(form.get('Payload')).toBe(REQUEST_270);
	});

	test('configured CORE sender and receiver ids win over the ISA ones; every request has its own PayloadID', async () => {
		const server = await clearinghouseServer((_, response) => sample(response));
		const clearinghouse = httpClearinghouse({
			...options(server.url),
			senderId: 'AV-CORE',
			receiverId: 'CH-CORE'
		});
		await clearinghouse.check(REQUEST_270);
		await clearinghouse.check(REQUEST_270);
		const forms = await Promise.all(
			server.received.map((r) =>
				new Response(r.body, { headers: { 'content-type': r.contentType } }).formData()
			)
		);
		expect(forms.map((f) => [f.get('SenderID'), f.get('ReceiverID')])).toEqual([
			['AV-CORE', 'CH-CORE'],
			['AV-CORE', 'CH-CORE']
		]);
		expect(forms[0]?.get('PayloadID')).not.toBe(forms[1]?.get('PayloadID'));
	});

	test('a 500 is an error naming the status, never the payload the server echoed', async () => {
		const server = await clearinghouseServer((received, response) =>
			response
				.writeHead(500, { 'content-type': 'text/plain' })
				.end(`Internal error while processing:\n${received.body}`)
		);
		const error = await failure(httpClearinghouse(options(server.url)).check(REQUEST_270));
		expect(error.message).toBe('The clearinghouse answered HTTP 500');
		expect(error.status).toBe(500);
		expect(error.retryable).toBe(true);
		expect(server.received).toHaveLength(1);
	});

	test('a 401 is not worth retrying', async () => {
		const server = await clearinghouseServer((_, response) => response.writeHead(401).end());
		const error = await failure(httpClearinghouse(options(server.url)).check(REQUEST_270));
		expect([error.status, error.retryable]).toEqual([401, false]);
		expect(error.message).toContain('401');
	});

	test('a redirect is reported, not followed', async () => {
		const elsewhere = await clearinghouseServer((_, response) => sample(response));
		const server = await clearinghouseServer((_, response) =>
			response.writeHead(307, { location: elsewhere.url }).end()
		);
		const error = await failure(httpClearinghouse(options(server.url)).check(REQUEST_270));
		expect(error.status).toBe(307);
		expect(elsewhere.received).toHaveLength(0);
	});

	test('no answer within the timeout is a retryable error without the payload', async () => {
		const server = await clearinghouseServer(() => undefined);
		const started = Date.now();
		const error = await failure(
			httpClearinghouse({ ...options(server.url), timeoutMs: 200 }).check(REQUEST_270)
		);
		expect(error.message).toBe('The clearinghouse did not answer in time');
		expect([error.status, error.retryable]).toEqual([0, true]);
		expect(Date.now() - started).toBeLessThan(4_000);
		expect(server.received).toHaveLength(1);
	});

	test('a clearinghouse that cannot be reached is a retryable error', async () => {
		const server = await clearinghouseServer(() => undefined);
		const closed = servers.pop()!;
		closed.closeAllConnections();
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const error = await failure(httpClearinghouse(options(server.url)).check(REQUEST_270));
		expect(error.message).toBe('The clearinghouse could not be reached');
		expect(error.retryable).toBe(true);
	});

	test('a CORE ErrorCode other than Success is an error naming the code, not the free-text message', async () => {
		const refusal = envelope({
			PayloadType: 'CoreEnvelopeError',
			ProcessingMode: 'RealTime',
			PayloadID: '0c3e6a52-4b1f-4d7e-9a61-2f8d3c5b7e91',
			TimeStamp: '2026-11-30T15:04:06Z',
			SenderID: 'SBXCLEARING',
			ReceiverID: 'ANYVISIT',
			CORERuleVersion: '2.2.0',
			ErrorCode: 'UnAuthorized',
			ErrorMessage: 'No access for ACT-TH-0001 HERNANDEZ ROSA 19790412'
		});
		const server = await clearinghouseServer((_, response) =>
			response.writeHead(200, { 'content-type': refusal.type }).end(refusal.body)
		);
		const error = await failure(httpClearinghouse(options(server.url)).check(REQUEST_270));
		expect(error.message).toBe('The clearinghouse refused the request (CORE ErrorCode UnAuthorized)');
		expect(error.retryable).toBe(false);
	});

	test('an answer that is not a 271 (a 999 rejection) or not an envelope is an error', async () => {
		const rejection = envelope({
			PayloadType: 'X12_999_Response_005010X231A1',
			ErrorCode: 'Success',
			Payload: 'ISA*...'
		});
		const server = await clearinghouseServer((received, response) =>
			server.received.length === 1
				? response.writeHead(200, { 'content-type': rejection.type }).end(rejection.body)
				: response.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${received.body}</p>`)
		);
		const clearinghouse = httpClearinghouse(options(server.url));
		expect((await failure(clearinghouse.check(REQUEST_270))).message).toBe(
			'The clearinghouse answered PayloadType X12_999_Response_005010X231A1, not X12_271_Response_005010X279A1'
		);
		expect((await failure(clearinghouse.check(REQUEST_270))).message).toBe(
			'The clearinghouse answer is not a CORE envelope'
		);
	});

	test('nothing is sent when the request is not X12, or the URL would send it in clear', async () => {
		const server = await clearinghouseServer((_, response) => sample(response));
		await failure(httpClearinghouse(options(server.url)).check('ACT-TH-0001 HERNANDEZ ROSA 19790412'));
		expect(server.received).toHaveLength(0);
		expect(() => httpClearinghouse(options('http://clearinghouse.example.org/core'))).toThrow(RangeError);
		expect(() => httpClearinghouse(options('https://clearinghouse.example.org/core'))).not.toThrow();
	});
});

describe('claims in batch (CAQH CORE vC2.2.0 batch submission)', () => {
	const CLAIM = buildClaim837p(
		claimFor(
			[{ code: '99213', modifiers: ['93'], chargeCents: 13500, units: 1, dateOfService: '2026-12-02' }],
			'10'
		),
		{ interchange: 812, group: 812, transaction: '0001', now: new Date('2026-12-03T09:30:00Z') }
	);
	const receipt = envelope({
		PayloadType: 'X12_BatchReceiptConfirmation',
		ProcessingMode: 'Batch',
		PayloadID: 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
		TimeStamp: '2026-12-03T09:30:02Z',
		SenderID: 'SBXCLEARING',
		ReceiverID: 'ANYVISIT',
		CORERuleVersion: '2.2.0',
		ErrorCode: 'Success',
		ErrorMessage: 'None'
	});

	test('posts the 837P as a CORE batch and returns the receipt naming the batch', async () => {
		const server = await clearinghouseServer((_, response) =>
			response.writeHead(200, { 'content-type': receipt.type }).end(receipt.body)
		);
		const answer = await httpClearinghouse(options(server.url)).submitClaims(CLAIM);
		expect(answer).toEqual({ receipt: 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d' });
		const form = await new Response(server.received[0]?.body, {
			headers: { 'content-type': server.received[0]?.contentType ?? '' }
		}).formData();
		expect(form.get('PayloadType')).toBe('X12_837_Request_005010X222A1');
		expect(form.get('ProcessingMode')).toBe('Batch');
		expect(form.get('Payload')).toBe(CLAIM);
		expect(form.get('SenderID')).toBe('RIVERBEND01');
		expect(form.get('ReceiverID')).toBe('SANDBOXCH');
	});

	test('a real-time answer to a batch, or a refusal, is a permanent error; a 503 is retried', async () => {
		let answer = envelope({ PayloadType: 'X12_271_Response_005010X279A1', ErrorCode: 'Success' });
		let status = 200;
		const server = await clearinghouseServer((_, response) =>
			response.writeHead(status, { 'content-type': answer.type }).end(answer.body)
		);
		const clearinghouse = httpClearinghouse(options(server.url));
		const wrong = await failure(clearinghouse.submitClaims(CLAIM));
		expect(wrong.message).toBe(
			'The clearinghouse answered PayloadType X12_271_Response_005010X279A1, not X12_BatchReceiptConfirmation'
		);
		expect(wrong.retryable).toBe(false);
		answer = envelope({ PayloadType: 'CoreEnvelopeError', ErrorCode: 'PayloadTypeNotSupported' });
		expect((await failure(clearinghouse.submitClaims(CLAIM))).retryable).toBe(false);
		status = 503;
		expect((await failure(clearinghouse.submitClaims(CLAIM))).retryable).toBe(true);
	});

	test('the sandbox takes an 837P (keeping nothing itself) and refuses anything else', async () => {
		const sandbox = sandboxClearinghouse();
		expect(await sandbox.submitClaims(CLAIM)).toEqual({ receipt: 'SANDBOX-812' });
		expect((await failure(sandbox.submitClaims(REQUEST_270))).status).toBe(400);
	});
});

describe('the sandbox clearinghouse', () => {
	const sandbox = sandboxClearinghouse({ clock: fixedClock('2026-11-30T15:04:06Z') });
	const ask = async (memberId: string) => sandbox.check(build270(eligibilityRequest(memberId), CONTROL));

	test.each([
		{
			memberId: 'ACT-TH-0001',
			expected: {
				outcome: 'active',
				telehealth: 'covered',
				copay: [{ amount: 20, serviceType: '98', network: 'in' }]
			}
		},
		{ memberId: 'ACT-NT-0002', expected: { outcome: 'active', telehealth: 'not_covered' } },
		{ memberId: 'INACT-0003', expected: { outcome: 'inactive', telehealth: 'unknown', copay: [] } },
		{
			memberId: 'NOTFOUND-0004',
			expected: { outcome: 'not_found', telehealth: 'unknown', rejectReasons: ['75'] }
		},
		{
			memberId: 'GARBLED-0005',
			expected: { outcome: 'unreadable', reason: 'truncated', telehealth: 'unknown' }
		},
		{
			memberId: 'W22004471',
			expected: {
				outcome: 'active',
				telehealth: 'unknown',
				copay: [{ amount: 25, serviceType: '98', network: 'in' }]
			}
		}
	])(
		'member $memberId: $expected.outcome, telehealth $expected.telehealth',
		async ({ memberId, expected }) => {
			const answer = await ask(memberId);
			const result = parse271(answer);
			expect(result).toMatchObject(expected);
			if (result.outcome !== 'unreadable') {
				expect(result.traceNumber).toBe(traceNumberOf(CONTROL));
				expect(answer).toContain(`*MI*${memberId}~`);
			}
		}
	);

	test('the answer is a 271 to this 270: BHT03 and TRN echoed, parties swapped, same usage', async () => {
		const answer = await ask('ACT-TH-0001');
		expect(answer).toMatch(
			/^ISA\*00\* {10}\*00\* {10}\*ZZ\*SBXCLEARING {4}\*ZZ\*ANYVISIT {7}\*261130\*1504\*\^\*00501\*000000007\*0\*T\*:~/
		);
		expect(answer).toContain(
			'~GS*HB*SBXCLEARING*ANYVISIT*20261130*1504*7*X*005010X279A1~ST*271*0001*005010X279A1~'
		);
		expect(answer).toContain(`~BHT*0022*11*${traceNumberOf(CONTROL)}*20261130*1504~`);
		expect(answer).toContain(`~TRN*2*${traceNumberOf(CONTROL)}*9ANYVISIT0~`);
		expect(answer).toContain('~NM1*IL*1*HERNANDEZ*ROSA****MI*ACT-TH-0001~REF*6P*GRP-4471~DMG*D8*19790412~');
	});

	test('a request that is not a 270 is refused like a real clearinghouse would', async () => {
		const error = await failure(sandbox.check(fixture('271-sample.x12')));
		expect(error.status).toBe(400);
		await failure(sandbox.check('not x12'));
	});
});
