import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

// AES-256-GCM: 96-bit random IV, 128-bit tag (NIST SP 800-38D). A sealed value is
// 'v1.' + base64url(iv | ciphertext | tag); the associated data binds it to its table, column and
// record, so a ciphertext copied into another row or column does not open.
const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plaintext: string, aad: string): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	cipher.setAAD(Buffer.from(aad, 'utf8'));
	const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a sealed value; throws when the key, the associated data or a single byte is wrong. */
export function open(key: Buffer, sealed: string, aad: string): string {
	if (!sealed.startsWith(VERSION)) throw new Error('Unknown ciphertext version');
	const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
	if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('Ciphertext too short');
	const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
	decipher.setAAD(Buffer.from(aad, 'utf8'));
	decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
	return Buffer.concat([
		decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
		decipher.final()
	]).toString('utf8');
}

/** A keyed hash for equality lookups (phone, email) without storing or comparing plaintext. */
export function blindIndex(key: Buffer, kind: string, normalized: string): string {
	return createHmac('sha256', key).update(`${kind}:${normalized}`).digest('hex');
}
