// Serves a production build through adapter-node's request handler (its documented custom-server
// use) so that SvelteKit learns each request's real scheme. adapter-node alone assumes https unless
// ORIGIN or PROTOCOL_HEADER is set, which would make SvelteKit's origin check (kept on for form
// posts) refuse every form on a plain-http embedded install, and would put https links into emails.
//
//   node scripts/serve.js [build directory]     (default: build)
//
// Production behind a TLS proxy sets ORIGIN (or PROTOCOL_HEADER/HOST_HEADER); then the scheme
// header below is not used and the proxy's word is taken, exactly as with adapter-node's server.
import http from 'node:http';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const SCHEME_HEADER = 'x-anyvisit-scheme';
const ownScheme = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
// Read by adapter-node when its handler is first imported, so it is set before the import.
if (ownScheme) process.env.PROTOCOL_HEADER = SCHEME_HEADER;

const buildDir = path.resolve(process.argv[2] ?? 'build');
const { handler } = await import(pathToFileURL(path.join(buildDir, 'handler.js')).href);

// Twilio's webhooks are server-to-server form posts with no Origin header, which SvelteKit's origin
// check would refuse. Under /telephony/ a request that carries Twilio's signature is passed on as
// same-origin; every telephony route verifies that signature (X-Twilio-Signature, HMAC-SHA1 over the
// URL and parameters) and refuses the request otherwise. Nothing else is exempt.
const SIGNED_WEBHOOKS = '/telephony/';

/** @param {http.IncomingMessage} req */
function originOf(req) {
	if (process.env.ORIGIN) return new URL(process.env.ORIGIN).origin;
	return `${req.headers[SCHEME_HEADER] ?? 'https'}://${req.headers.host}`;
}

const server = http.createServer((req, res) => {
	// Whatever a client sent in this header is replaced: only the socket says whether it is TLS.
	if (ownScheme)
		req.headers[SCHEME_HEADER] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
	if (req.url?.startsWith(SIGNED_WEBHOOKS) && req.headers['x-twilio-signature'] && !req.headers.origin) {
		req.headers.origin = originOf(req);
	}
	handler(req, res, () => {
		res.statusCode = 404;
		res.end();
	});
});

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? 3000);
server.listen(port, host, () => {
	process.stdout.write(`Listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}\n`);
});

// Graceful stop: no new connections, in-flight requests finish (up to SHUTDOWN_TIMEOUT seconds),
// then the app closes its database and outbox worker on 'sveltekit:shutdown' (src/hooks.server.ts).
const shutdownSeconds = Number(process.env.SHUTDOWN_TIMEOUT ?? 30);
let stopping = false;
/** @param {string} reason */
function stop(reason) {
	if (stopping) return;
	stopping = true;
	server.closeIdleConnections();
	server.close(() => process.emit(/** @type {any} */ ('sveltekit:shutdown'), reason));
	setTimeout(() => server.closeAllConnections(), shutdownSeconds * 1000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
