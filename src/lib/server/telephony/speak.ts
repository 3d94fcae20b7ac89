import type { Speaker } from '$telephony/flow';
import haitianCreole from '../../../../static/audio/ht/manifest.json';
import { RESOURCES, tFor } from '../platform/i18n';
import { SAY_VOICES } from '../integrations/twilio/voice';

/**
 * Languages Twilio text-to-speech does not speak: their prompts are recordings under
 * static/audio/<lng>/ (how they are made: static/audio/README.md), listed in its manifest.
 */
const RECORDED: Record<string, Record<string, string>> = { ht: haitianCreole };

/** Splits a prompt the way its recordings were cut: literal parts, and the parameters between them. */
export function recordingsFor(
	language: string,
	key: string,
	params: Record<string, string>
): string[] | null {
	const [namespace = '', name = ''] = key.split(':');
	const template = RESOURCES[language]?.[namespace]?.[name];
	const recorded = RECORDED[language];
	if (!template || !recorded || namespace !== 'ivr') return null;
	const files: string[] = [];
	template.split(/\{\{\s*(\w+)\s*\}\}/).forEach((piece, i) => {
		if (i % 2 === 1) files.push(`${piece}/${parameterFile(language, piece, params[piece] ?? '')}.wav`);
		else if (/[\p{L}\p{N}]/u.test(piece)) files.push(`${name}.${i / 2}.wav`);
	});
	return files.every((file) => file in recorded) ? files : null;
}

/** A state is passed by its name in the call's language; its recording is named by its code. */
function parameterFile(language: string, parameter: string, value: string): string {
	if (parameter !== 'state') return value;
	const names = RESOURCES[language]?.scheduling ?? {};
	const key = Object.keys(names).find((k) => k.startsWith('state.') && names[k] === value);
	return key ? key.slice('state.'.length) : value;
}

/**
 * Speaks prompts on calls: a recorded language plays its recordings from `baseUrl`; every other
 * language (and a recorded one missing a part) is read by its Twilio voice
 * (twilio.com/docs/voice/twiml/say/text-speech).
 */
export function speaker(baseUrl: string): Speaker {
	return (response, language, key, params = {}) => {
		const files = recordingsFor(language, key, params);
		if (files) {
			for (const file of files) response.play(`${baseUrl}/audio/${language}/${file}`);
			return;
		}
		const { voice, language: locale } = SAY_VOICES[language] ?? SAY_VOICES.en!;
		response.say({ voice, language: locale } as never, tFor(language)(key, params));
	};
}
