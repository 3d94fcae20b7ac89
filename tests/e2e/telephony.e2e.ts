import { randomBytes } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import twilio from 'twilio';
import en from '../../locales/en/ivr.json' with { type: 'json' };
import { DEVELOPMENT_TWILIO_AUTH_TOKEN } from '../../src/lib/server/platform/config';

/** A voice webhook as Twilio posts it: form fields, signed over the full URL it calls. */
function post(request: APIRequestContext, url: string, params: Record<string, string>, signature?: string) {
	return request.post(url, {
		form: params,
		headers: {
			'x-twilio-signature':
				signature ?? twilio.getExpectedTwilioSignature(DEVELOPMENT_TWILIO_AUTH_TOKEN, url, params)
		}
	});
}

test.describe('the phone line (public contract)', () => {
	test('an incoming call is answered with TwiML whose first instruction gathers the language, and each gather posts back to this host', async ({
		request,
		baseURL
	}) => {
		const call = {
			CallSid: `CA${randomBytes(16).toString('hex')}`,
			From: '+13125550199',
			To: '+15005550006'
		};
		const answer = await post(request, `${baseURL}/telephony/voice/incoming`, call);
		expect(answer.status()).toBe(200);
		expect(answer.headers()['content-type']).toContain('text/xml');
		const menu = await answer.text();
		const gather = /^<\?xml[^>]*><Response><Gather[^>]*action="([^"]+)"/.exec(menu);
		expect(gather).not.toBeNull();
		expect(new URL(gather![1]!).host).toBe(new URL(baseURL!).host);
		expect(menu).toContain(en['language.option'].replace('{{digit}}', '1'));
		// Walking on: English, then (an unknown number) the visit code is asked.
		const next = await post(request, gather![1]!, { ...call, Digits: '1' });
		expect(next.status()).toBe(200);
		expect(await next.text()).toContain(en['code.ask']);
	});

	test('a forged, missing or stale signature is refused with 403 and nothing is answered', async ({
		request,
		baseURL
	}) => {
		const call = {
			CallSid: `CA${randomBytes(16).toString('hex')}`,
			From: '+13125550199',
			To: '+15005550006'
		};
		const url = `${baseURL}/telephony/voice/incoming`;
		expect((await post(request, url, call, 'bm90IGEgc2lnbmF0dXJl')).status()).toBe(403);
		expect((await request.post(url, { form: call })).status()).toBe(403);
		// Signed for other parameters (a replay with different digits).
		const signedFor = twilio.getExpectedTwilioSignature(
			DEVELOPMENT_TWILIO_AUTH_TOKEN,
			`${baseURL}/telephony/voice/gather`,
			{
				...call,
				Digits: '1'
			}
		);
		expect(
			(await post(request, `${baseURL}/telephony/voice/gather`, { ...call, Digits: '2' }, signedFor)).status()
		).toBe(403);
	});
});
