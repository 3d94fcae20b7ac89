import { describe, expect, test } from 'vitest';
import { createTranslate } from './translate';

const messages = {
	common: { hello: 'Hello {{name}}', items_one: '{{count}} item', items_other: '{{count}} items' },
	staff: { title: 'Clinic tools' }
};

describe('page translator', () => {
	const t = createTranslate(messages, 'en');

	test('reads the default namespace or a named one', () => {
		expect(t('staff:title')).toBe('Clinic tools');
		expect(t('hello', { name: 'Rosa' })).toBe('Hello Rosa');
	});

	test('chooses the plural form by count, with the language’s rules', () => {
		expect(t('items', { count: 1 })).toBe('1 item');
		expect(t('items', { count: 3 })).toBe('3 items');
	});

	test('a missing key shows the key (so i18n:check and reviewers see it), a missing parameter stays visible', () => {
		expect(t('staff:nope')).toBe('staff:nope');
		expect(t('hello')).toBe('Hello {{name}}');
	});
});
