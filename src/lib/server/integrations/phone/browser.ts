import twilio from 'twilio';
import type { Config } from '../../platform/config';
import { GRANT_TTL_SECONDS } from '../video/provider';

/**
 * A Twilio Voice access token for a clinician's browser (twilio.com/docs/iam/access-tokens): it may
 * place one kind of call, through the clinic's TwiML App (whose voice URL joins the visit's
 * conference after checking the identity hosts that visit), and receives none. Short lived, like a
 * video grant.
 */
export function browserCallToken(settings: NonNullable<Config['browserCalls']>, identity: string): string {
	const token = new twilio.jwt.AccessToken(settings.accountSid, settings.apiKeySid, settings.apiKeySecret, {
		identity,
		ttl: GRANT_TTL_SECONDS
	});
	token.addGrant(
		new twilio.jwt.AccessToken.VoiceGrant({
			outgoingApplicationSid: settings.twimlAppSid,
			incomingAllow: false
		})
	);
	return token.toJwt();
}

/** The browser's identity on Twilio for a staff member (letters, digits and underscores only). */
export const staffIdentity = (staffId: string) => `staff_${staffId.replace(/-/g, '')}`;

/** The staff id an identity names (Twilio sends it back as From=client:<identity>), or null. */
export function staffOfIdentity(from: string | undefined): string | null {
	const hex = /^client:staff_([0-9a-f]{32})$/.exec(from ?? '')?.[1];
	return hex
		? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
		: null;
}
