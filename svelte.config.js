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
		// kit.csrf is left at its default: SvelteKit's origin check stays on for form posts (CSRF).
		// scripts/serve.js tells it each request's real scheme and passes Twilio-signed webhooks,
		// which carry no Origin.
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
		},
		// The IVR flows and their tests are type-checked and linted with the app.
		typescript: {
			config: (config) => ({ ...config, include: [...config.include, '../telephony/**/*.ts'] })
		}
	}
};

export default config;
