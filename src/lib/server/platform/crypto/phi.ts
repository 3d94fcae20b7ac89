import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { blindIndex, open, seal } from './envelope';
import { KEY_BYTES, type Keyring } from './keyring';

type Executor = Kysely<Database>;

/** A record's unwrapped data key, with the id stored beside its PHI columns. */
export type DataKey = { id: string; key: Buffer };

/**
 * PHI encryption at rest (HIPAA 164.312(a)(2)(iv)): every record with PHI has its own AES-256 data
 * key, stored only wrapped by a key-encryption key. Values are sealed with associated data
 * 'table.column:recordId'. Lookups by phone or email go through HMAC blind indexes.
 */
export type PhiCipher = {
	newDataKey(tx: Executor): Promise<DataKey>;
	dataKey(db: Executor, id: string): Promise<DataKey>;
	seal(key: DataKey, field: string, recordId: string, value: string): string;
	sealOptional(key: DataKey, field: string, recordId: string, value: string | null): string | null;
	open(key: DataKey, field: string, recordId: string, sealed: string): string;
	openOptional(key: DataKey, field: string, recordId: string, sealed: string | null): string | null;
	phoneIndex(phone: string): string;
	emailIndex(email: string): string;
	/** A keyed tag (HMAC-SHA256, hex) of a value for a purpose: what a link carries to prove it was ours. */
	tag(purpose: string, value: string): string;
};

/** E.164 digits only, so '+1 (512) 555-0101' and '+15125550101' index alike. */
export function normalizePhone(phone: string): string {
	return '+' + phone.replace(/\D/g, '');
}

export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

const aad = (field: string, recordId: string) => `${field}:${recordId}`;

export function createPhiCipher(keyring: Keyring): PhiCipher {
	// Unwrapped data keys of recently used records; bounded, and never written anywhere.
	const cache = new Map<string, Buffer>();
	const remember = (id: string, key: Buffer) => {
		if (cache.size >= 5000) cache.delete(cache.keys().next().value!);
		cache.set(id, key);
	};
	return {
		async newDataKey(tx) {
			const key = randomBytes(KEY_BYTES);
			const { kekId, wrapped } = keyring.wrap(key);
			const row = await tx
				.insertInto('data_keys')
				.values({ kek_id: kekId, wrapped_key: wrapped })
				.returning('id')
				.executeTakeFirstOrThrow();
			remember(row.id, key);
			return { id: row.id, key };
		},
		async dataKey(db, id) {
			const cached = cache.get(id);
			if (cached) return { id, key: cached };
			const row = await db
				.selectFrom('data_keys')
				.select(['kek_id', 'wrapped_key'])
				.where('id', '=', id)
				.executeTakeFirstOrThrow();
			const key = keyring.unwrap(row.kek_id, row.wrapped_key);
			remember(id, key);
			return { id, key };
		},
		seal: (key, field, recordId, value) => seal(key.key, value, aad(field, recordId)),
		sealOptional: (key, field, recordId, value) =>
			value === null ? null : seal(key.key, value, aad(field, recordId)),
		open: (key, field, recordId, sealed) => open(key.key, sealed, aad(field, recordId)),
		openOptional: (key, field, recordId, sealed) =>
			sealed === null ? null : open(key.key, sealed, aad(field, recordId)),
		phoneIndex: (phone) => blindIndex(keyring.indexKey, 'phone', normalizePhone(phone)),
		emailIndex: (email) => blindIndex(keyring.indexKey, 'email', normalizeEmail(email)),
		tag: (purpose, value) => blindIndex(keyring.indexKey, `tag:${purpose}`, value)
	};
}

/** Re-wraps every data key with the keyring's current KEK; returns how many were re-wrapped. */
export async function rewrapDataKeys(db: Executor, keyring: Keyring): Promise<number> {
	return db.transaction().execute(async (tx) => {
		const rows = await tx
			.selectFrom('data_keys')
			.select(['id', 'kek_id', 'wrapped_key'])
			.forUpdate()
			.execute();
		let rewrapped = 0;
		for (const row of rows) {
			if (row.kek_id === keyring.currentKekId) continue;
			const { kekId, wrapped } = keyring.wrap(keyring.unwrap(row.kek_id, row.wrapped_key));
			await tx
				.updateTable('data_keys')
				.set({ kek_id: kekId, wrapped_key: wrapped })
				.where('id', '=', row.id)
				.execute();
			rewrapped++;
		}
		return rewrapped;
	});
}
