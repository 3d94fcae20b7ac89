import { createHmac } from 'node:crypto';
import type { VideoSettings } from '../../platform/config';
import { GRANT_TTL_SECONDS, type IceServer, type VideoProvider } from './provider';

type P2pSettings = Extract<VideoSettings, { kind: 'p2p' }>;

/**
 * A time-limited TURN credential for coturn's shared-secret mode (use-auth-secret; the "TURN REST
 * API" draft, draft-uberti-behave-turn-rest-00): username = expiry:identity,
 * credential = base64(HMAC-SHA1(secret, username)). Nothing is stored; the TURN server checks it.
 */
export function turnCredential(secret: string, identity: string, expiresAt: Date) {
	const username = `${Math.floor(expiresAt.getTime() / 1000)}:${identity}`;
	return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * The embedded default: browsers call each other directly, signalled through the visit room. It
 * exists so a whole visit runs and is tested on one machine; it is not a media server, it cannot
 * record, and past a few participants each browser's upload runs out.
 */
export function p2pVideoProvider(settings: P2pSettings, now: () => Date = () => new Date()): VideoProvider {
	return {
		kind: 'p2p',
		supportsRecording: false,
		openRoom: () => Promise.resolve(),
		joinGrant(_visitId, identity) {
			const iceServers: IceServer[] = [];
			if (settings.stunUrls.length) iceServers.push({ urls: settings.stunUrls });
			if (settings.turnUrls.length && settings.turnSecret) {
				const expiresAt = new Date(now().getTime() + GRANT_TTL_SECONDS * 1000);
				iceServers.push({
					urls: settings.turnUrls,
					...turnCredential(settings.turnSecret, identity, expiresAt)
				});
			}
			return Promise.resolve({ provider: 'p2p', identity, iceServers });
		},
		setRecording: () => Promise.reject(new Error('peer-to-peer video cannot record')),
		closeRoom: () => Promise.resolve()
	};
}
