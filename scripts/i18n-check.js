// `npm run i18n:check`: every locale has exactly English's keys, every placeholder survives
// translation, and every key the code uses exists. Exits 1 with a list of problems.
import fs from 'node:fs';
import path from 'node:path';

const SOURCE_LANGUAGE = 'en';
const CODE_DIRS = ['src', 'telephony'];
// t('ns:key'), t("ns:key", ...), i18n.t(`ns:key`) and errors:... keys used in schemas.
const KEY_USE = /\bt\(\s*(['"`])([a-z][\w-]*:[\w.-]+)\1/g;
// t('key') without a namespace reads the default namespace, common.
const DEFAULT_NS_USE = /\bt\(\s*(['"`])([\w.-]+)\1/g;

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function* codeFiles(dir) {
	if (!fs.existsSync(dir)) return;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) yield* codeFiles(full);
		else if (/\.(ts|js|svelte)$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name)) yield full;
	}
}

/** Returns the list of problems found under `root` (empty when all is well). */
export function checkLocales(root) {
	const problems = [];
	const localesDir = path.join(root, 'locales');
	const languages = Object.keys(readJson(path.join(localesDir, 'languages.json')));
	const namespaces = fs
		.readdirSync(path.join(localesDir, SOURCE_LANGUAGE))
		.filter((f) => f.endsWith('.json'))
		.map((f) => f.slice(0, -5));
	const english = Object.fromEntries(
		namespaces.map((ns) => [ns, readJson(path.join(localesDir, SOURCE_LANGUAGE, `${ns}.json`))])
	);

	for (const lang of languages) {
		const dir = path.join(localesDir, lang);
		if (!fs.existsSync(dir)) {
			problems.push(`${lang}: the locale folder is missing`);
			continue;
		}
		for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
			if (!namespaces.includes(file.slice(0, -5)))
				problems.push(`${lang}/${file}: English has no such namespace`);
		}
		for (const ns of namespaces) {
			const file = path.join(dir, `${ns}.json`);
			if (!fs.existsSync(file)) {
				problems.push(`${lang}/${ns}.json: missing`);
				continue;
			}
			const table = readJson(file);
			for (const [key, text] of Object.entries(english[ns])) {
				if (!(key in table)) {
					problems.push(`${lang}/${ns}.json: lacks "${key}"`);
					continue;
				}
				if (typeof table[key] !== 'string' || table[key].trim() === '') {
					problems.push(`${lang}/${ns}.json: "${key}" is empty`);
					continue;
				}
				for (const placeholder of text.match(/\{\{\s*\w+\s*\}\}/g) ?? []) {
					if (!table[key].includes(placeholder)) {
						problems.push(`${lang}/${ns}.json: "${key}" lost the placeholder ${placeholder}`);
					}
				}
			}
			for (const key of Object.keys(table)) {
				if (!(key in english[ns])) problems.push(`${lang}/${ns}.json: has "${key}", which English lacks`);
			}
		}
	}

	// Any string literal that names a namespace English has, such as 'errors:field.required'.
	const KEY_LITERAL = new RegExp(`(['"\`])((?:${namespaces.join('|')}):[\\w.-]+)\\1`, 'g');
	for (const dir of CODE_DIRS) {
		for (const file of codeFiles(path.join(root, dir))) {
			const text = fs.readFileSync(file, 'utf8');
			for (const pattern of [KEY_USE, KEY_LITERAL, DEFAULT_NS_USE]) {
				for (const match of text.matchAll(pattern)) {
					const [ns, key] = match[2].includes(':') ? match[2].split(/:(.*)/s) : ['common', match[2]];
					if (!english[ns] || !(key in english[ns])) {
						problems.push(`${path.relative(root, file)}: uses "${match[2]}", which is defined nowhere`);
					}
				}
			}
		}
	}
	return [...new Set(problems)];
}

if (process.argv[1] === import.meta.filename) {
	const problems = checkLocales(path.resolve(import.meta.dirname, '..'));
	if (problems.length) {
		process.stderr.write(
			`i18n:check found ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`
		);
		process.exit(1);
	}
	process.stdout.write('i18n:check: every locale matches English and every key in use is defined.\n');
}
