/**
 * Live captions of this person's own speech, where the browser offers speech recognition (the Web
 * Speech API; Chromium sends the audio to its vendor's service, Safari recognises on the device). The
 * visit never depends on it: without it, the others simply see no captions from this side.
 */

type Recognition = {
	lang: string;
	continuous: boolean;
	interimResults: boolean;
	onresult:
		| ((event: {
				resultIndex: number;
				results: ArrayLike<{ isFinal: boolean; 0: { transcript: string } }>;
		  }) => void)
		| null;
	onend: (() => void) | null;
	onerror: ((event: { error: string }) => void) | null;
	start(): void;
	stop(): void;
};

type RecognitionConstructor = new () => Recognition;

function recognitionClass(): RecognitionConstructor | null {
	const w = window as unknown as {
		SpeechRecognition?: RecognitionConstructor;
		webkitSpeechRecognition?: RecognitionConstructor;
	};
	return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

export const captionsSupported = () => typeof window !== 'undefined' && recognitionClass() !== null;

/** Starts captioning this side's speech in `lang`; returns the function that stops it (null when unsupported). */
export function captionOwnSpeech(
	lang: string,
	onText: (text: string, final: boolean) => void
): (() => void) | null {
	const Recognition = recognitionClass();
	if (!Recognition) return null;
	let stopped = false;
	const recognition = new Recognition();
	recognition.lang = lang;
	recognition.continuous = true;
	recognition.interimResults = true;
	recognition.onresult = (event) => {
		const result = event.results[event.resultIndex];
		if (result) onText(result[0].transcript, result.isFinal);
	};
	// Recognition stops by itself after silence or a network hiccup: start again while wanted.
	recognition.onend = () => {
		if (!stopped) setTimeout(() => !stopped && recognition.start(), 500);
	};
	recognition.onerror = (event) => {
		if (event.error === 'not-allowed' || event.error === 'service-not-allowed') stopped = true;
	};
	recognition.start();
	return () => {
		stopped = true;
		recognition.stop();
	};
}
