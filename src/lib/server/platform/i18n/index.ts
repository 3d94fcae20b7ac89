import i18next, { type i18n as I18nInstance, type TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, LANGUAGE_CODES } from '$lib/i18n/languages';
import type { Messages } from '$lib/i18n/translate';

const files = import.meta.glob<Record<string, string>>('/locales/*/*.json', {
	eager: true,
	import: 'default'
});

/** Every locale file as language → namespace → key → text. */
export const RESOURCES: Record<string, Messages> = {};
for (const [file, table] of Object.entries(files)) {
	const match = /\/locales\/([^/]+)\/([^/]+)\.json$/.exec(file);
	if (!match) continue;
	const [, lang = '', ns = ''] = match;
	(RESOURCES[lang] ??= {})[ns] = table;
}

export const NAMESPACES = Object.keys(RESOURCES[DEFAULT_LANGUAGE] ?? {}).sort();

/** Namespaces that pages need in the browser (the rest are SMS, email and voice texts). */
export const WEB_NAMESPACES = [
	'auth',
	'common',
	'errors',
	'home',
	'intake',
	'previsit',
	'scheduling',
	'staff',
	'visit'
];

let instance: I18nInstance | undefined;

function translator(): I18nInstance {
	if (!instance) {
		instance = i18next.createInstance();
		void instance.init({
			resources: RESOURCES,
			supportedLngs: [...LANGUAGE_CODES],
			lng: DEFAULT_LANGUAGE,
			fallbackLng: DEFAULT_LANGUAGE,
			ns: NAMESPACES,
			defaultNS: 'common',
			keySeparator: false,
			// Svelte escapes on output; SMS, voice and email bodies are not HTML.
			interpolation: { escapeValue: false },
			initAsync: false
		});
	}
	return instance;
}

/** A translate function fixed to one language (keys as `ns:key`). */
export function tFor(lang: string): TFunction {
	return translator().getFixedT(lang);
}

/** The resources of the web namespaces for one language, for the page translator. */
export function webMessages(lang: string): Messages {
	const source = RESOURCES[lang] ?? RESOURCES[DEFAULT_LANGUAGE] ?? {};
	return Object.fromEntries(WEB_NAMESPACES.map((ns) => [ns, source[ns] ?? {}]));
}
