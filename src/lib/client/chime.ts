/**
 * A short rising tone: a visit starting, a patient arriving. Made with Web Audio, so there is no file
 * to load; without sound output the page's own announcement (a live region) still tells.
 */
export function chime(): void {
	try {
		const audio = new AudioContext();
		const tone = audio.createOscillator();
		const gain = audio.createGain();
		tone.frequency.setValueAtTime(660, audio.currentTime);
		tone.frequency.setValueAtTime(880, audio.currentTime + 0.15);
		gain.gain.setValueAtTime(0.2, audio.currentTime);
		tone.connect(gain).connect(audio.destination);
		tone.start();
		tone.stop(audio.currentTime + 0.3);
	} catch {
		// No audio output.
	}
}
