import type { Kysely } from 'kysely';
import type { Database } from '../platform/schema';

type Executor = Kysely<Database>;

// SMS consent per phone number (its blind index): FCC 24-24, an opt-out is honoured at once.

/** true when the number opted out, false when it opted back in, null when it never answered. */
export async function readOptOut(db: Executor, phoneHmac: string): Promise<boolean | null> {
	const row = await db
		.selectFrom('sms_opt_outs')
		.select('opted_out')
		.where('phone_hmac', '=', phoneHmac)
		.executeTakeFirst();
	return row ? row.opted_out : null;
}

export async function recordOptChoice(
	db: Executor,
	input: { phoneHmac: string; optedOut: boolean; keyword: string; now: Date }
): Promise<void> {
	const values = { opted_out: input.optedOut, keyword: input.keyword, updated_at: input.now };
	await db
		.insertInto('sms_opt_outs')
		.values({ phone_hmac: input.phoneHmac, ...values })
		.onConflict((oc) => oc.column('phone_hmac').doUpdateSet(values))
		.execute();
}
