/**
 * What the readiness check found on the patient's device and connection, and the modality it
 * recommends. The thresholds are AnyVisit's, set for a one-to-one visit: video needs a working camera
 * and microphone and about 500 kbps down with under 400 ms round trip (a 1:1 low-resolution WebRTC
 * call runs at 150-500 kbps each way); browser audio needs a microphone and about 64 kbps (Opus voice
 * uses 20-40 kbps) with under 800 ms round trip; anything less is a telephone call, which needs no data.
 */
export type DeviceState = 'ok' | 'missing' | 'denied';

export type ReadinessResult = {
	browserSupported: boolean;
	camera: DeviceState;
	microphone: DeviceState;
	/** The patient heard the test tone (null: not answered). */
	speakerHeard: boolean | null;
	downlinkKbps: number;
	rttMs: number;
};

export type Recommendation = 'video' | 'audio' | 'phone';

export const VIDEO_MIN_KBPS = 500;
export const VIDEO_MAX_RTT_MS = 400;
export const AUDIO_MIN_KBPS = 64;
export const AUDIO_MAX_RTT_MS = 800;

export function recommend(r: ReadinessResult): Recommendation {
	const hears = r.speakerHeard !== false;
	if (!r.browserSupported || r.microphone !== 'ok' || !hears) return 'phone';
	if (r.downlinkKbps < AUDIO_MIN_KBPS || r.rttMs > AUDIO_MAX_RTT_MS) return 'phone';
	if (r.camera === 'ok' && r.downlinkKbps >= VIDEO_MIN_KBPS && r.rttMs <= VIDEO_MAX_RTT_MS) return 'video';
	return 'audio';
}
