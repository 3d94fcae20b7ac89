import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../platform/crypto/hash';
import type { Database } from '../platform/schema';

type Executor = Kysely<Database>;

/** How many recovery codes a staff member holds after enrolment or after making new ones. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * A recovery code: 10 random bytes as 16 base32 letters and digits, shown in groups of four. With 80
 * bits of entropy a SHA-256 hash suffices (no slow hash needed), and only that hash is stored.
 */
function newCode(): string {
	const raw = encodeBase32LowerCaseNoPadding(randomBytes(10));
	return raw.match(/.{4}/g)!.join('-');
}

/** What a person typed, reduced to the code's letters: spaces, dashes and case do not matter. */
export function normalizeRecoveryCode(input: string): string | null {
	const raw = input.replace(/[\s-]/g, '').toLowerCase();
	return /^[a-z2-7]{16}$/.test(raw) ? raw : null;
}

const hashCode = sha256Hex;

/** Replaces the staff member's recovery codes with a fresh set and returns them (shown once). */
export async function replaceRecoveryCodes(tx: Executor, staffId: string, now: Date): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
	await tx.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
	await tx
		.insertInto('staff_recovery_codes')
		.values(
			codes.map((code) => ({
				staff_id: staffId,
				code_hash: hashCode(normalizeRecoveryCode(code)!),
				created_at: now
			}))
		)
		.execute();
	return codes;
}

/** Uses up one recovery code; false when it is not one of theirs or was used already. */
export async function consumeRecoveryCode(
	db: Executor,
	staffId: string,
	input: string,
	now: Date
): Promise<boolean> {
	const normalized = normalizeRecoveryCode(input);
	if (!normalized) return false;
	const result = await db
		.updateTable('staff_recovery_codes')
		.set({ used_at: now })
		.where('staff_id', '=', staffId)
		.where('code_hash', '=', hashCode(normalized))
		.where('used_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Executor, staffId: string): Promise<number> {
	const row = await db
		.selectFrom('staff_recovery_codes')
		.select(db.fn.countAll<string>().as('n'))
		.where('staff_id', '=', staffId)
		.where('used_at', 'is', null)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
