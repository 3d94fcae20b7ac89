// Measures the JavaScript a page loads in Chromium: every script response, its raw size and its
// gzip size (level 9, as adapter-node precompresses). Shared by `npm run bench` and the budget test.
import zlib from 'node:zlib';

/** The patient start page may ship at most this much JavaScript, gzip-compressed. */
export const START_PAGE_JS_BUDGET = 60 * 1024;

/**
 * Loads `url` in `page` and returns the scripts it fetched (including chunks imported after load).
 * @param {import('playwright-core').Page} page
 * @param {string} url
 */
export async function measureScripts(page, url) {
	/** @type {Promise<{ url: string; raw: number; gzip: number }>[]} */
	const pending = [];
	/** @param {import('playwright-core').Response} response */
	const onResponse = (response) => {
		if (response.request().resourceType() !== 'script') return;
		pending.push(
			response.body().then((/** @type {Buffer} */ body) => ({
				url: new URL(response.url()).pathname,
				raw: body.length,
				gzip: zlib.gzipSync(body, { level: 9 }).length
			}))
		);
	};
	page.on('response', onResponse);
	await page.goto(url, { waitUntil: 'networkidle' });
	page.off('response', onResponse);
	const scripts = await Promise.all(pending);
	return {
		scripts,
		raw: scripts.reduce((sum, s) => sum + s.raw, 0),
		gzip: scripts.reduce((sum, s) => sum + s.gzip, 0)
	};
}
