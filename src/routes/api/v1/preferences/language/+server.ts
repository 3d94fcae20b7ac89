import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { directionOf, LANGUAGE_CODES } from '$lib/i18n/languages';
import { api } from '$lib/server/platform/http/api';
import { LANGUAGE_COOKIE, languageCookieOptions } from '$lib/server/platform/http/cookies';
import { readJson } from '$lib/server/platform/http/validation';
import type { RequestHandler } from './$types';

const Body = v.strictObject({
	lang: v.picklist(LANGUAGE_CODES as string[], 'errors:field.language')
});

export const PUT: RequestHandler = api(async ({ request, cookies }) => {
	const { lang } = await readJson(request, Body, { maxBytes: 1024 });
	cookies.set(LANGUAGE_COOKIE, lang, languageCookieOptions());
	return json({ lang, dir: directionOf(lang) });
});
