import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { p2pVideoProvider, turnCredential } from './p2p';

const NOW = new Date('2026-11-30T15:00:00Z');

describe('peer-to-peer video', () => {
	test('without STUN or TURN servers the browsers use their own addresses only', async () => {
		const provider = p2pVideoProvider({ kind: 'p2p', stunUrls: [], turnUrls: [], turnSecret: undefined });
		expect(await provider.joinGrant('v1', 'c1')).toEqual({ provider: 'p2p', identity: 'c1', iceServers: [] });
		expect(provider.supportsRecording).toBe(false);
		await expect(provider.setRecording('v1', true)).rejects.toThrow();
	});

	test('TURN credentials expire with the grant and verify with the shared secret', async () => {
		const secret = 'a-shared-turn-secret-0123';
		const provider = p2pVideoProvider(
			{
				kind: 'p2p',
				stunUrls: ['stun:stun.example.org:3478'],
				turnUrls: ['turns:turn.example.org:443'],
				turnSecret: secret
			},
			() => NOW
		);
		const grant = await provider.joinGrant('v1', 'conn-1');
		if (grant.provider !== 'p2p') throw new Error('expected p2p');
		expect(grant.iceServers[0]).toEqual({ urls: ['stun:stun.example.org:3478'] });
		const turn = grant.iceServers[1]!;
		expect(turn.username).toBe(`${NOW.getTime() / 1000 + 15 * 60}:conn-1`);
		expect(turn.credential).toBe(createHmac('sha1', secret).update(turn.username!).digest('base64'));
		expect(turnCredential('another-secret-0123456', 'conn-1', NOW).credential).not.toBe(turn.credential);
	});
});
