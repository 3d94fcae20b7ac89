import { json } from '@sveltejs/kit';
import { LANGUAGES } from '$lib/i18n/languages';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals }) =>
	json({
		current: locals.lang,
		languages: LANGUAGES.map((l) => ({
			code: l.code,
			name: l.name,
			dir: l.dir,
			reviewedByMedicalTranslator: l.review.qualifiedMedicalTranslator
		}))
	});
