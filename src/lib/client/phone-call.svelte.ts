import type { Call, Device } from '@twilio/voice-sdk';

export type BrowserPhoneState = 'off' | 'connecting' | 'on' | 'failed';

/**
 * The clinician's browser on a visit's phone call (Twilio Voice SDK, fetched only when they join):
 * a token from the app, then a call through the clinic's TwiML App into the visit's conference.
 * Call quality is the SDK's mean opinion score (1–4.5) on the 0–5 scale the video call shows.
 */
export class BrowserPhone {
	state = $state<BrowserPhoneState>('off');
	muted = $state(false);
	quality = $state<number | null>(null);
	#device: Device | null = null;
	#call: Call | null = null;

	constructor(private readonly visitId: () => string) {}

	async join(): Promise<void> {
		if (this.state === 'connecting' || this.state === 'on') return;
		this.state = 'connecting';
		try {
			const response = await fetch(`/visits/${this.visitId()}/room/phone-token`, { method: 'POST' });
			if (!response.ok) throw new Error(`token: ${response.status}`);
			const { token } = (await response.json()) as { token: string };
			const { Device } = await import('@twilio/voice-sdk');
			this.#device = new Device(token, { closeProtection: true });
			const call = await this.#device.connect({ params: { visit: this.visitId() } });
			this.#call = call;
			call.on('accept', () => (this.state = 'on'));
			call.on('disconnect', () => this.#reset('off'));
			call.on('cancel', () => this.#reset('off'));
			call.on('error', () => this.#reset('failed'));
			call.on('sample', (sample: { mos: number | null }) => {
				this.quality = sample.mos === null ? null : Math.max(0, Math.min(5, Math.round(sample.mos)));
			});
		} catch {
			this.#reset('failed');
		}
	}

	toggleMute(): void {
		this.muted = !this.muted;
		this.#call?.mute(this.muted);
	}

	leave(): void {
		this.#call?.disconnect();
		this.#reset('off');
	}

	#reset(state: BrowserPhoneState): void {
		this.#device?.destroy();
		this.#device = null;
		this.#call = null;
		this.muted = false;
		this.quality = null;
		this.state = state;
	}
}
