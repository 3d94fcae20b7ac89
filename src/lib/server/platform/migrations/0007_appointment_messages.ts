import { sql, type Kysely } from 'kysely';

// Messages about appointments (confirmations and reminders by SMS, email or voice call), planned
// first and handed to the outbox when due, so that an opt-out, a cancellation or the calling hours
// are checked at the moment of sending. SMS opt-outs are kept per phone number (blind index).
export async function up(db: Kysely<unknown>): Promise<void> {
	await sql`
		create table appointment_messages (
			id uuid primary key,
			appointment_id uuid not null references appointments (id) on delete cascade,
			patient_id uuid not null references patients (id) on delete cascade,
			organization_id uuid not null references organizations (id),
			channel text not null check (channel in ('sms', 'email', 'voice')),
			kind text not null check (kind in ('booked', 'rescheduled', 'cancelled', 'reminder')),
			offset_minutes integer,
			send_at timestamptz not null,
			status text not null check (
				status in ('scheduled', 'queued', 'sent', 'delivered', 'failed', 'cancelled', 'skipped')
			),
			skip_reason text,
			outbox_id uuid references outbox (id),
			provider_id text,
			created_at timestamptz not null,
			updated_at timestamptz not null
		)`.execute(db);
	await sql`create index appointment_messages_due on appointment_messages (status, send_at)`.execute(db);
	await sql`create index appointment_messages_appointment on appointment_messages (appointment_id)`.execute(
		db
	);
	await sql`create index appointment_messages_patient on appointment_messages (patient_id, send_at)`.execute(
		db
	);

	await sql`
		create table sms_opt_outs (
			phone_hmac text primary key,
			opted_out boolean not null,
			keyword text not null,
			updated_at timestamptz not null
		)`.execute(db);

	// Inbound texts: the keyword understood and who sent it, never the message body.
	await sql`
		create table inbound_sms (
			id uuid primary key,
			message_sid text not null unique,
			from_hmac text not null,
			patient_id uuid references patients (id) on delete set null,
			keyword text not null,
			appointment_id uuid references appointments (id) on delete set null,
			received_at timestamptz not null
		)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await sql`drop table if exists inbound_sms`.execute(db);
	await sql`drop table if exists sms_opt_outs`.execute(db);
	await sql`drop table if exists appointment_messages`.execute(db);
}
