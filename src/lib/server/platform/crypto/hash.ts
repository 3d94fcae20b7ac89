import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

/**
 * SHA-256 of a string's UTF-8 bytes, as lowercase hex. Enough on its own for high-entropy secrets
 * (session secrets, link tokens, recovery codes), which are stored only as this hash.
 */
export function sha256Hex(text: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}
