/** Resources for one language: namespace → flat key → text. */
export type Messages = Record<string, Record<string, string>>;
export type TranslateParams = Record<string, string | number>;
export type Translate = (key: string, params?: TranslateParams) => string;

/**
 * A small translator for the browser with i18next's conventions (`ns:key`, `{{name}}`
 * interpolation, `_one`/`_other` plural suffixes chosen by `count`), so that a page does not ship
 * i18next itself. The server uses i18next proper; both read the same locale files.
 */
export function createTranslate(messages: Messages, lang: string, defaultNs = 'common'): Translate {
	const plurals = new Intl.PluralRules(lang);
	return (key, params) => {
		const [ns, name] = key.includes(':') ? (key.split(':', 2) as [string, string]) : [defaultNs, key];
		const table = messages[ns] ?? {};
		let text = table[name];
		if (params && typeof params.count === 'number') {
			text = table[`${name}_${plurals.select(params.count)}`] ?? table[`${name}_other`] ?? text;
		}
		if (text === undefined) return key;
		return params ? text.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, p: string) => String(params[p] ?? m)) : text;
	};
}
