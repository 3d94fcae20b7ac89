import catalogue from '../../../locales/languages.json';

export type Direction = 'ltr' | 'rtl';
export type Language = {
	code: string;
	/** The language's name in itself, as the picker shows it. */
	name: string;
	dir: Direction;
	review: { qualifiedMedicalTranslator: boolean; note: string };
};

/**
 * The nine languages: English and the most common non-English languages of US patients with
 * limited English proficiency (ACS language-spoken-at-home tables).
 */
export const LANGUAGES: readonly Language[] = Object.entries(catalogue).map(([code, entry]) => ({
	code,
	name: entry.name,
	dir: entry.dir as Direction,
	review: entry.review
}));

export const LANGUAGE_CODES: readonly string[] = LANGUAGES.map((l) => l.code);
export const DEFAULT_LANGUAGE = 'en';

export function isSupportedLanguage(code: string | null | undefined): code is string {
	return !!code && LANGUAGE_CODES.includes(code);
}

export function directionOf(code: string): Direction {
	return LANGUAGES.find((l) => l.code === code)?.dir ?? 'ltr';
}

/** Maps a BCP 47 tag to a supported language, or undefined (zh-CN → zh-Hans, fil → tl). */
export function matchLanguage(tag: string): string | undefined {
	const lower = tag.trim().toLowerCase();
	if (!lower) return undefined;
	const exact = LANGUAGE_CODES.find((code) => code.toLowerCase() === lower);
	if (exact) return exact;
	const primary = lower.split('-')[0];
	if (primary === 'zh') return 'zh-Hans';
	if (primary === 'fil') return 'tl';
	return LANGUAGE_CODES.find((code) => code.toLowerCase() === primary);
}

/** Parses Accept-Language and returns the best supported language, honouring q-values. */
export function fromAcceptLanguage(header: string | null | undefined): string | undefined {
	if (!header) return undefined;
	const ranked = header
		.split(',')
		.map((part, index) => {
			const [tag = '', ...params] = part.trim().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			const weight = q ? Number(q.slice(2)) : 1;
			return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
		})
		.filter((entry) => entry.weight > 0 && entry.tag !== '*')
		.sort((a, b) => b.weight - a.weight || a.index - b.index);
	for (const { tag } of ranked) {
		const match = matchLanguage(tag);
		if (match) return match;
	}
	return undefined;
}

/**
 * Chooses the language for a request: an explicit `?lang=` choice first (it is then saved), then
 * the signed-in person's saved preference, then the language cookie, then Accept-Language.
 */
export function negotiateLanguage(sources: {
	query?: string | null;
	preference?: string | null;
	cookie?: string | null;
	acceptLanguage?: string | null;
}): { lang: string; chosen: boolean } {
	const query = sources.query ? matchLanguage(sources.query) : undefined;
	if (query) return { lang: query, chosen: true };
	for (const candidate of [sources.preference, sources.cookie]) {
		if (isSupportedLanguage(candidate)) return { lang: candidate, chosen: false };
	}
	return { lang: fromAcceptLanguage(sources.acceptLanguage) ?? DEFAULT_LANGUAGE, chosen: false };
}
