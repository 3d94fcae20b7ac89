import { timingSafeEqual, createHash } from 'node:crypto';

/**
 * True when the Authorization header carries the expected bearer token (metrics, billing). Compared as SHA-256 digests
 * in constant time so neither the length nor a prefix of the token leaks through timing.
 */
export function bearerTokenMatches(expected: string | undefined, header: string | null): boolean {
	if (!expected || !header?.startsWith('Bearer ')) return false;
	const digest = (s: string) => createHash('sha256').update(s).digest();
	return timingSafeEqual(digest(header.slice(7).trim()), digest(expected));
}
