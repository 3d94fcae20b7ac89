import { LANGUAGE_CODES } from '$lib/i18n/languages';
import { RESOURCES } from '$lib/server/platform/i18n';
import type { PageServerLoad } from './$types';

// Prerendered at build and precached by the service worker: the page a returning patient sees
// when there is no network. It carries the shell's texts in every language (no PHI) and picks the
// saved language in the browser.
export const prerender = true;

export const load: PageServerLoad = () => ({
	shell: Object.fromEntries(LANGUAGE_CODES.map((code) => [code, RESOURCES[code]?.common ?? {}]))
});
