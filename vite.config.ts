import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			strategies: 'generateSW',
			// SvelteKit builds with a relative base; the service worker lives at the root whatever page
			// registers it (a relative 'sw.js' would be looked for under /visits/... and not found).
			base: '/',
			scope: '/',
			registerType: 'prompt',
			// A chunk over the size limit below is left out of the precache on purpose (a media SDK).
			showMaximumFileSizeToCacheInBytesWarning: true,
			injectRegister: false,
			manifestFilename: 'manifest.webmanifest',
			manifest: {
				name: 'AnyVisit',
				short_name: 'AnyVisit',
				description: 'See your clinician by video, audio or phone.',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				background_color: '#ffffff',
				theme_color: '#0b5cad',
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
					{ src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
				]
			},
			workbox: {
				// The shell and static assets only. Pages and API answers may carry PHI, so navigations
				// go to the network and fall back to the prerendered offline page; the one exception is
				// the intake form below, which carries no PHI.
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff2}', 'prerendered/pages/offline.html'],
				// Media SDK chunks load only when a call starts; they never belong in the precache.
				globIgnores: ['**/*twilio*', '**/*voice-sdk*', '**/*video*'],
				// Their chunks have hashed names, so size keeps them out as well: twilio-video is ~330 KB
				// raw and the voice SDK ~170 KB, every app chunk under 100 KB. tests/e2e/budget.e2e.ts checks it.
				maximumFileSizeToCacheInBytes: 120 * 1024,
				navigateFallback: null,
				cleanupOutdatedCaches: true,
				runtimeCaching: [
					{
						// An intake form holds only its questions (no name, no visit details, no answers: those
						// stay in IndexedDB on the device), so it is kept for reloading without a signal.
						urlPattern: ({ request, url }) =>
							request.mode === 'navigate' &&
							/^\/visits\/[0-9a-f-]{36}\/intake\/[a-z0-9-]+$/.test(url.pathname),
						handler: 'NetworkFirst',
						options: {
							cacheName: 'intake-forms',
							networkTimeoutSeconds: 5,
							expiration: { maxEntries: 20, maxAgeSeconds: 14 * 86_400 },
							cacheableResponse: { statuses: [200] }
						}
					},
					{
						urlPattern: ({ request }) => request.mode === 'navigate',
						handler: 'NetworkOnly',
						options: { precacheFallback: { fallbackURL: '/offline' } }
					}
				]
			},
			devOptions: { enabled: false }
		})
	],
	server: { port: 3000, strictPort: true },
	// Keep build output to what matters (Rolldown otherwise reports plugin timings on every build).
	build: { rolldownOptions: { checks: { pluginTimings: false } } },
	test: {
		include: [
			'src/**/*.spec.ts',
			'tests/integration/**/*.spec.ts',
			'telephony/**/*.spec.ts',
			'scripts/**/*.spec.ts'
		],
		environment: 'node',
		// Medplum's libraries (the sandbox EHR, FHIR validation) need a global WebSocket: Node 20 has it only behind this flag.
		execArgv: ['--experimental-websocket', '--no-warnings=ExperimentalWarning'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		fileParallelism: true,
		reporters: ['default', ['json', { outputFile: process.env.VITEST_JSON ?? '.tmp/vitest.json' }]],
		maxWorkers: 2
	}
});
