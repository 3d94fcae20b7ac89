import { getContext, setContext } from 'svelte';
import { createTranslate, type Messages, type Translate, type TranslateParams } from './translate';
import type { Direction } from './languages';

export type I18nData = { lang: string; dir: Direction; messages: Messages };

const KEY = Symbol('i18n');

/**
 * The page translator. It follows the layout's data (so a language change by navigation
 * re-renders), and a page may override it (the offline page picks the saved language itself).
 */
export class I18n {
	#source: () => I18nData;
	override = $state<I18nData | null>(null);
	current = $derived.by(() => this.override ?? this.#source());
	#translate = $derived.by(() => createTranslate(this.current.messages, this.current.lang));

	constructor(source: () => I18nData) {
		this.#source = source;
	}

	get lang(): string {
		return this.current.lang;
	}

	get dir(): Direction {
		return this.current.dir;
	}

	t: Translate = (key: string, params?: TranslateParams) => this.#translate(key, params);
}

export function provideI18n(source: () => I18nData): I18n {
	return setContext(KEY, new I18n(source));
}

export function useI18n(): I18n {
	return getContext<I18n>(KEY);
}
