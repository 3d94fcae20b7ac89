// How every browser run here launches Chromium: Debian's /usr/bin/chromium (Playwright never
// downloads a browser), headless, with background networking off (the network is closed).
export const CHROMIUM = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: [
		'--headless',
		'--no-sandbox',
		'--disable-gpu',
		'--disable-quic',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync'
	]
};
