import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkLocales } from '../../scripts/i18n-check.js';

const check = checkLocales as (root: string) => string[];

function project(files: Record<string, unknown>): string {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-i18n-'));
	for (const [file, content] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
		fs.writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
	}
	return root;
}

const languages = { en: {}, es: {} };

describe('npm run i18n:check', () => {
	test('passes on this repository', () => {
		expect(check(path.resolve('.'))).toEqual([]);
	});

	test('passes when every locale matches English', () => {
		const root = project({
			'locales/languages.json': languages,
			'locales/en/common.json': { hello: 'Hello {{name}}' },
			'locales/es/common.json': { hello: 'Hola {{name}}' },
			'src/page.svelte': "{t('hello', { name })} {t('common:hello')}"
		});
		expect(check(root)).toEqual([]);
	});

	test('fails when a locale lacks a key, has an extra key, or loses a placeholder', () => {
		const root = project({
			'locales/languages.json': languages,
			'locales/en/common.json': { hello: 'Hello {{name}}', bye: 'Bye' },
			'locales/es/common.json': { hello: 'Hola', extra: 'Más' }
		});
		expect(check(root)).toEqual(
			expect.arrayContaining([
				'es/common.json: lacks "bye"',
				'es/common.json: "hello" lost the placeholder {{name}}',
				'es/common.json: has "extra", which English lacks'
			])
		);
	});

	test('fails when code uses a key defined nowhere, or a locale folder is missing', () => {
		const root = project({
			'locales/languages.json': { en: {}, es: {}, ar: {} },
			'locales/en/common.json': { hello: 'Hello' },
			'locales/es/common.json': { hello: 'Hola' },
			'src/lib/x.ts': "t('errors:NOPE'); t('missing_key'); const k = 'common:also.missing';"
		});
		expect(check(root)).toEqual(
			expect.arrayContaining([
				'ar: the locale folder is missing',
				'src/lib/x.ts: uses "errors:NOPE", which is defined nowhere',
				'src/lib/x.ts: uses "missing_key", which is defined nowhere',
				'src/lib/x.ts: uses "common:also.missing", which is defined nowhere'
			])
		);
	});
});
