import { pino, type Logger } from 'pino';

/**
 * Paths that may carry PHI or secrets. Logs must never hold them (HIPAA minimum necessary),
 * so pino replaces them before a line is written.
 */
export const REDACTED_PATHS = [
	'*.name',
	'*.givenName',
	'*.familyName',
	'*.birthDate',
	'*.dob',
	'*.phone',
	'*.email',
	'*.address',
	'*.recipient',
	'*.to',
	'*.body',
	'*.payload',
	'*.password',
	'*.token',
	'*.secret',
	'*.code',
	'req.headers.cookie',
	'req.headers.authorization',
	'headers.cookie',
	'headers.authorization'
];

export type { Logger };

/** Creates the structured logger; `destination` lets tests capture lines. */
export function createLogger(
	options: { level?: string; base?: Record<string, unknown> } = {},
	destination?: NodeJS.WritableStream
): Logger {
	const settings = {
		level: options.level ?? 'info',
		base: { service: 'anyvisit', ...options.base },
		redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
		timestamp: pino.stdTimeFunctions.isoTime
	};
	return destination ? pino(settings, destination) : pino(settings);
}
