import { sql, type Kysely } from 'kysely';

// Messages that must arrive in the order they were written (an appointment's HL7 SIU events, its
// FHIR writes) share an order key: a message waits while an earlier one with its key is undelivered.
// `seq` is that order (timestamps can tie within a millisecond).
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`alter table outbox add column order_key text`.execute(db);
	await sql`alter table outbox add column seq bigint generated always as identity`.execute(db);
	await sql`
		create index outbox_waiting_by_order_key on outbox (order_key, seq)
		where order_key is not null and status in ('pending', 'delivering')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop index if exists outbox_waiting_by_order_key`.execute(db);
	await sql`alter table outbox drop column if exists seq`.execute(db);
	await sql`alter table outbox drop column if exists order_key`.execute(db);
}
