import { webMessages } from '$lib/server/platform/i18n';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	i18n: { lang: locals.lang, dir: locals.dir, messages: webMessages(locals.lang) }
});
