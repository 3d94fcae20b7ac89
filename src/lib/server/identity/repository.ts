import type { Kysely } from 'kysely';
import type { PhiCipher } from '../platform/crypto/phi';
import type { Database, StaffRole } from '../platform/schema';

type Executor = Kysely<Database>;

export type StaffAccount = {
	id: string;
	organizationId: string;
	email: string;
	displayName: string;
	roles: StaffRole[];
	active: boolean;
};

export type StaffCredentials = {
	passwordHash: string;
	totpKey: Uint8Array | null;
	totpLastStep: number;
};

const ACCOUNT_COLUMNS = ['id', 'organization_id', 'email', 'display_name', 'roles', 'active'] as const;

function toAccount(row: {
	id: string;
	organization_id: string;
	email: string;
	display_name: string;
	roles: StaffRole[];
	active: boolean;
}): StaffAccount {
	return {
		id: row.id,
		organizationId: row.organization_id,
		email: row.email,
		displayName: row.display_name,
		roles: row.roles,
		active: row.active
	};
}

export async function findStaffByEmail(db: Executor, email: string): Promise<StaffAccount | undefined> {
	const row = await db
		.selectFrom('staff')
		.select(ACCOUNT_COLUMNS)
		.where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
		.executeTakeFirst();
	return row ? toAccount(row) : undefined;
}

export async function findStaffById(db: Executor, id: string): Promise<StaffAccount | undefined> {
	const row = await db.selectFrom('staff').select(ACCOUNT_COLUMNS).where('id', '=', id).executeTakeFirst();
	return row ? toAccount(row) : undefined;
}

/** The staff member's password hash and opened TOTP key, or undefined when none are set. */
export async function readCredentials(
	db: Executor,
	phi: PhiCipher,
	staffId: string
): Promise<StaffCredentials | undefined> {
	const row = await db
		.selectFrom('staff_credentials')
		.selectAll()
		.where('staff_id', '=', staffId)
		.executeTakeFirst();
	if (!row) return undefined;
	let totpKey: Uint8Array | null = null;
	if (row.totp_key_enc) {
		const key = await phi.dataKey(db, row.data_key_id);
		totpKey = Buffer.from(phi.open(key, 'staff_credentials.totp_key', staffId, row.totp_key_enc), 'base64');
	}
	return { passwordHash: row.password_hash, totpKey, totpLastStep: Number(row.totp_last_step) };
}

/** Sets a password and, when given, an enrolled TOTP key (sealed like PHI: it is a credential). */
export async function writeCredentials(
	tx: Executor,
	phi: PhiCipher,
	staffId: string,
	input: { passwordHash: string; totpKey: Uint8Array | null; now: Date }
): Promise<void> {
	const key = await phi.newDataKey(tx);
	const totpKeyEnc = input.totpKey
		? phi.seal(key, 'staff_credentials.totp_key', staffId, Buffer.from(input.totpKey).toString('base64'))
		: null;
	await tx
		.insertInto('staff_credentials')
		.values({
			staff_id: staffId,
			password_hash: input.passwordHash,
			data_key_id: key.id,
			totp_key_enc: totpKeyEnc,
			totp_enrolled_at: input.totpKey ? input.now : null,
			updated_at: input.now
		})
		.onConflict((oc) =>
			oc.column('staff_id').doUpdateSet({
				password_hash: input.passwordHash,
				data_key_id: key.id,
				totp_key_enc: totpKeyEnc,
				totp_enrolled_at: input.totpKey ? input.now : null,
				totp_last_step: 0,
				updated_at: input.now
			})
		)
		.execute();
}

/** Records that a TOTP step was used; false when an equal or later step was used first (a replay). */
export async function consumeTotpStep(db: Executor, staffId: string, step: number): Promise<boolean> {
	const result = await db
		.updateTable('staff_credentials')
		.set({ totp_last_step: step })
		.where('staff_id', '=', staffId)
		.where('totp_last_step', '<', String(step))
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}
