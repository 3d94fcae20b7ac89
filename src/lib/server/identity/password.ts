import { hash, verify } from '@node-rs/argon2';

// OWASP Password Storage Cheat Sheet: Argon2id, m=19456 KiB (19 MiB), t=2, p=1 at the least.
const ARGON2ID = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** An Argon2id hash (PHC string) of the password. */
export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2ID);
}

/** True when the password matches; a malformed stored hash never matches. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	try {
		return await verify(stored, password);
	} catch {
		return false;
	}
}

// Verified against when no account matches, so that an unknown email costs the same time as a wrong
// password (no account enumeration through timing).
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
	decoy ??= hashPassword('decoy password for unknown accounts');
	await verifyPassword(await decoy, password);
	return false;
}
