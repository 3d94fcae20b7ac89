import { describe, expect, test } from 'vitest';
import { recommend, type ReadinessResult } from './recommend';

const good: ReadinessResult = {
	browserSupported: true,
	camera: 'ok',
	microphone: 'ok',
	speakerHeard: true,
	downlinkKbps: 4000,
	rttMs: 60
};

describe('the readiness recommendation', () => {
	test.each([
		['everything works on a good line', {}, 'video'],
		['exactly the video threshold', { downlinkKbps: 500, rttMs: 400 }, 'video'],
		['just under the video bandwidth', { downlinkKbps: 499 }, 'audio'],
		['a slow round trip', { rttMs: 401 }, 'audio'],
		['no camera', { camera: 'missing' }, 'audio'],
		['camera refused', { camera: 'denied' }, 'audio'],
		['speaker not answered yet', { speakerHeard: null }, 'video'],
		['the tone was not heard', { speakerHeard: false }, 'phone'],
		['no microphone', { microphone: 'missing' }, 'phone'],
		['microphone refused', { microphone: 'denied' }, 'phone'],
		['an old browser', { browserSupported: false }, 'phone'],
		['exactly the audio threshold', { camera: 'missing', downlinkKbps: 64, rttMs: 800 }, 'audio'],
		['too little bandwidth even for audio', { downlinkKbps: 63 }, 'phone'],
		['a satellite-like delay', { rttMs: 801 }, 'phone']
	] as const)('%s → %s', (_name, change, expected) => {
		expect(recommend({ ...good, ...change })).toBe(expected);
	});
});
