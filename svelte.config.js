import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// The service worker is registered by @vite-pwa/sveltekit (see vite.config.ts).
		serviceWorker: { register: false },
		// SvelteKit's own origin check trusts adapter-node's guess of the protocol (https unless told)
		// and cannot exempt signature-verified webhooks; hooks.server.ts enforces same-origin instead.
		csrf: { trustedOrigins: ['*'] },
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'connect-src': ['self'],
				'manifest-src': ['self'],
				'worker-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		alias: {
			$locales: 'locales',
			$telephony: 'telephony'
		}
	}
};

export default config;
