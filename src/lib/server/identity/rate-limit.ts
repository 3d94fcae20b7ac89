import type { Kysely } from 'kysely';
import type { Database } from '../platform/schema';

type Executor = Kysely<Database>;

export type Limit = { key: string; max: number; windowMs: number };

// OWASP ASVS 2.2.1: limit failed sign-ins per account and per client address. Kept in the database so
// that every app instance counts the same failures.
export const SIGN_IN_LIMITS = {
	perAccount: (email: string): Limit => ({
		key: `sign-in:account:${email.toLowerCase()}`,
		max: 5,
		windowMs: 15 * 60_000
	}),
	perAddress: (ip: string): Limit => ({ key: `sign-in:ip:${ip}`, max: 30, windowMs: 15 * 60_000 })
};

/** True when any of the limits has had `max` failures within its window. */
export async function isLimited(db: Executor, limits: Limit[], now: Date): Promise<boolean> {
	for (const limit of limits) {
		const since = new Date(now.getTime() - limit.windowMs);
		const row = await db
			.selectFrom('sign_in_failures')
			.select(db.fn.countAll<string>().as('n'))
			.where('limit_key', '=', limit.key)
			.where('at', '>', since)
			.executeTakeFirstOrThrow();
		if (Number(row.n) >= limit.max) return true;
	}
	return false;
}

/** Counts one failure against each limit, and forgets failures older than a day. */
export async function recordFailure(db: Executor, limits: Limit[], now: Date): Promise<void> {
	await db
		.insertInto('sign_in_failures')
		.values(limits.map((l) => ({ limit_key: l.key, at: now })))
		.execute();
	await db
		.deleteFrom('sign_in_failures')
		.where('at', '<', new Date(now.getTime() - 24 * 60 * 60_000))
		.execute();
}
