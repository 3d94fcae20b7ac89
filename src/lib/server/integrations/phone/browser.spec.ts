import { decodeJwt } from 'jose';
import { describe, expect, test } from 'vitest';
import { GRANT_TTL_SECONDS } from '../video/provider';
import { browserCallToken, staffIdentity, staffOfIdentity } from './browser';

const SETTINGS = {
	accountSid: 'AC' + '0123456789abcdef'.repeat(2),
	apiKeySid: 'SK' + 'fedcba9876543210'.repeat(2),
	apiKeySecret: 'a-real-looking-api-key-secret',
	twimlAppSid: 'AP' + '00112233445566778899aabbccddeeff'
};
const STAFF = '5f0c7d1e-8a61-4c1b-9a52-0d9e1b7a3c44';

describe('a clinician’s browser on a visit’s call', () => {
	test('gets a short Voice token that calls through the clinic’s TwiML App only, and rings for nothing', () => {
		const claims = decodeJwt(browserCallToken(SETTINGS, staffIdentity(STAFF)));
		expect(claims.iss).toBe(SETTINGS.apiKeySid);
		expect(claims.sub).toBe(SETTINGS.accountSid);
		expect(claims.exp! - claims.iat!).toBe(GRANT_TTL_SECONDS);
		expect(claims.grants).toEqual({
			identity: 'staff_5f0c7d1e8a614c1b9a520d9e1b7a3c44',
			voice: { outgoing: { application_sid: SETTINGS.twimlAppSid } }
		});
	});

	test('is recognised by the identity Twilio sends back, and nothing else is', () => {
		expect(staffOfIdentity(`client:${staffIdentity(STAFF)}`)).toBe(STAFF);
		for (const from of [undefined, '', '+17205550103', 'client:guest_1', `client:${staffIdentity(STAFF)}x`]) {
			expect(staffOfIdentity(from)).toBeNull();
		}
	});
});
