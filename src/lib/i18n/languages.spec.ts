import { describe, expect, test } from 'vitest';
import { LANGUAGES, directionOf, fromAcceptLanguage, matchLanguage, negotiateLanguage } from './languages';

describe('languages', () => {
	test('nine languages, each named in itself; only Arabic is right-to-left', () => {
		expect(LANGUAGES.map((l) => l.code)).toEqual(['en', 'es', 'zh-Hans', 'vi', 'ko', 'tl', 'ru', 'ar', 'ht']);
		expect(LANGUAGES.find((l) => l.code === 'es')?.name).toBe('Español');
		expect(LANGUAGES.filter((l) => l.dir === 'rtl').map((l) => l.code)).toEqual(['ar']);
		expect(directionOf('ar')).toBe('rtl');
		expect(directionOf('unknown')).toBe('ltr');
	});

	test('every locale records whether a qualified medical translator reviewed it', () => {
		for (const language of LANGUAGES)
			expect(typeof language.review.qualifiedMedicalTranslator).toBe('boolean');
	});

	test.each([
		['es-MX', 'es'],
		['zh-CN', 'zh-Hans'],
		['zh-Hans-US', 'zh-Hans'],
		['ZH-TW', 'zh-Hans'],
		['fil-PH', 'tl'],
		['ar-EG', 'ar'],
		['ht', 'ht'],
		['fr-FR', undefined],
		['', undefined]
	])('matchLanguage(%j) is %j', (tag, expected) => {
		expect(matchLanguage(tag)).toBe(expected);
	});

	test.each([
		['ar', 'ar'],
		['es-US,es;q=0.9,en;q=0.8', 'es'],
		['fr-FR,fr;q=0.9,vi;q=0.8,en;q=0.7', 'vi'],
		['en;q=0.5, ko;q=0.9', 'ko'],
		['de, *;q=0.1', undefined],
		['ru;q=0', undefined],
		['garbage;;;q=x', undefined],
		[null, undefined]
	])('Accept-Language %j gives %j', (header, expected) => {
		expect(fromAcceptLanguage(header)).toBe(expected);
	});

	test.each([
		[
			{ query: 'ar', preference: 'es', cookie: 'vi', acceptLanguage: 'ko' },
			{ lang: 'ar', chosen: true }
		],
		[
			{ query: 'xx', preference: 'es', cookie: 'vi', acceptLanguage: 'ko' },
			{ lang: 'es', chosen: false }
		],
		[
			{ cookie: 'vi', acceptLanguage: 'ko' },
			{ lang: 'vi', chosen: false }
		],
		[
			{ cookie: 'nope', acceptLanguage: 'ko' },
			{ lang: 'ko', chosen: false }
		],
		[{ acceptLanguage: 'de' }, { lang: 'en', chosen: false }],
		[{}, { lang: 'en', chosen: false }]
	])('negotiateLanguage(%j)', (sources, expected) => {
		expect(negotiateLanguage(sources)).toEqual(expected);
	});
});
