import { visitLink } from '../identity/visit-link';
import { createEvent, type EventAttributes } from 'ics';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { readOptOut } from '../messaging/opt-outs';
import { readOrganization } from '../organizations/repository';
import { readPatient, type Patient } from '../patients/repository';
import type { Clock } from '../platform/clock';
import type { PhiCipher } from '../platform/crypto/phi';
import { tFor } from '../platform/i18n';
import { enqueue } from '../platform/outbox/outbox';
import type { AppointmentMessageKind, Database, MessageChannel } from '../platform/schema';
import { readAppointment, type Appointment } from './repository';
import { dayIn, hourIn } from './states';

type Executor = Kysely<Database>;

// FCC health-care exemption (DOMAIN.md, SMS and calls): texts within 160 characters, at most one
// message a day and three a week, calls between 8 a.m. and 9 p.m. in the patient's time zone.
export const SMS_MAX_CHARACTERS = 160;
const CALLING_HOURS = { from: 8, until: 21 };
const WEEKLY_LIMIT = 3;

/** The channels that reach this patient: a text to a mobile, a call to a landline, an email. */
export function channelsFor(patient: Pick<Patient, 'phone' | 'phoneKind' | 'email'>): MessageChannel[] {
	const channels: MessageChannel[] = [];
	if (patient.phone && patient.phoneKind === 'mobile') channels.push('sms');
	if (patient.phone && patient.phoneKind === 'landline') channels.push('voice');
	if (patient.email) channels.push('email');
	return channels;
}

/**
 * Plans the messages a booking change causes, in the change's transaction: a message now on each of
 * the patient's channels and, for a booking, a reminder at each offset still in the future. Messages
 * not yet sent for this appointment are cancelled first (a reschedule replaces them).
 */
export async function planAppointmentMessages(
	tx: Executor,
	input: {
		appointment: Appointment;
		patient: Pick<Patient, 'phone' | 'phoneKind' | 'email'>;
		kind: Exclude<AppointmentMessageKind, 'reminder'>;
		now: Date;
		offsetsMinutes?: number[];
	}
): Promise<void> {
	const { appointment, now } = input;
	await tx
		.updateTable('appointment_messages')
		.set({ status: 'cancelled', updated_at: now })
		.where('appointment_id', '=', appointment.id)
		.where('status', '=', 'scheduled')
		.execute();
	const channels = channelsFor(input.patient);
	type Planned = {
		channel: MessageChannel;
		kind: AppointmentMessageKind;
		offset: number | null;
		sendAt: Date;
	};
	const rows: Planned[] = channels.map((channel) => ({
		channel,
		kind: input.kind,
		offset: null,
		sendAt: now
	}));
	if (input.kind !== 'cancelled') {
		const offsets =
			input.offsetsMinutes ?? (await readOrganization(tx, appointment.organizationId)).reminderOffsetsMinutes;
		for (const offset of offsets) {
			const sendAt = new Date(appointment.start.getTime() - offset * 60_000);
			if (sendAt <= now) continue;
			for (const channel of channels) rows.push({ channel, kind: 'reminder', offset, sendAt });
		}
	}
	if (rows.length === 0) return;
	await tx
		.insertInto('appointment_messages')
		.values(
			rows.map((r) => ({
				id: randomUUID(),
				appointment_id: appointment.id,
				patient_id: appointment.patientId,
				organization_id: appointment.organizationId,
				channel: r.channel,
				kind: r.kind,
				offset_minutes: r.offset,
				send_at: r.sendAt,
				status: 'scheduled' as const,
				created_at: now,
				updated_at: now
			}))
		)
		.execute();
}

export type MessageContext = {
	appointment: Appointment;
	patient: Patient;
	clinicName: string;
	baseUrl: string;
	/** The visit's own link (identity/visit-link.ts), which asks the date of birth. */
	visitUrl: string;
};

/** Where a message sends the patient: their visit; once it is cancelled, their visits (to book again). */
const linkOf = (ctx: MessageContext, kind: AppointmentMessageKind) =>
	kind === 'cancelled' ? `${ctx.baseUrl}/visits` : ctx.visitUrl;

/**
 * A visit's date and time as the patient reads it: in their language and time zone, with the zone's
 * name. Short for texts, long for calls and emails.
 */
export function visitTime(
	start: Date,
	patient: Pick<Patient, 'preferredLanguage' | 'timeZone'>,
	style: 'short' | 'long'
): string {
	return new Intl.DateTimeFormat(patient.preferredLanguage, {
		weekday: style,
		month: style,
		day: 'numeric',
		hour: 'numeric',
		minute: '2-digit',
		timeZoneName: 'short',
		timeZone: patient.timeZone
	}).format(start);
}

const when = (ctx: MessageContext, style: 'short' | 'long') =>
	visitTime(ctx.appointment.start, ctx.patient, style);

/**
 * The text of an SMS: date, time, clinic and a link, nothing about why (minimum necessary), within
 * 160 characters; a shorter form is used when the full one would not fit.
 */
export function smsText(ctx: MessageContext, kind: AppointmentMessageKind): string {
	const t = tFor(ctx.patient.preferredLanguage);
	const params = { clinic: ctx.clinicName, when: when(ctx, 'short'), link: linkOf(ctx, kind) };
	const full = t(`messages:appointment.sms.${kind}`, params);
	if ([...full].length <= SMS_MAX_CHARACTERS) return full;
	// Still too long (a long clinic address): the words give way, the link is never cut.
	const [words = '', after = ''] = t(`messages:appointment.sms.${kind}_short`, {
		...params,
		link: LINK_MARK
	}).split(LINK_MARK);
	const room = SMS_MAX_CHARACTERS - [...params.link].length - [...after].length;
	const head = [...words].length <= room ? words : `${[...words].slice(0, Math.max(room - 2, 0)).join('')}… `;
	return `${head}${params.link}${after}`;
}

/** Where the link goes in a text being fitted (never in a translation). */
const LINK_MARK = '\u0000';

export function voiceText(ctx: MessageContext, kind: AppointmentMessageKind): string {
	const t = tFor(ctx.patient.preferredLanguage);
	return t(`messages:appointment.voice.${kind}`, { clinic: ctx.clinicName, when: when(ctx, 'long') });
}

/** An iCalendar event for the visit (RFC 5545); a cancellation cancels the same UID. */
export function calendarEvent(ctx: MessageContext, kind: AppointmentMessageKind): string {
	const t = tFor(ctx.patient.preferredLanguage);
	const start = ctx.appointment.start;
	const minutes = Math.round((ctx.appointment.end.getTime() - start.getTime()) / 60_000);
	const event: EventAttributes = {
		uid: `${ctx.appointment.id}@anyvisit`,
		start: start.getTime(),
		startInputType: 'utc',
		startOutputType: 'utc',
		duration: { minutes },
		title: t('messages:appointment.ics.title', { clinic: ctx.clinicName }),
		description: t('messages:appointment.ics.description', { link: linkOf(ctx, kind) }),
		url: linkOf(ctx, kind),
		method: kind === 'cancelled' ? 'CANCEL' : 'REQUEST',
		status: kind === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
		sequence: ctx.appointment.rescheduleCount + (kind === 'cancelled' ? 1 : 0),
		productId: 'anyvisit'
	};
	const { error, value } = createEvent(event);
	if (error || !value) throw error ?? new Error('could not build the calendar event');
	return value;
}

export function outboxPayload(ctx: MessageContext, kind: AppointmentMessageKind, channel: MessageChannel) {
	const t = tFor(ctx.patient.preferredLanguage);
	const language = ctx.patient.preferredLanguage;
	if (channel === 'sms') return { to: ctx.patient.phone, body: smsText(ctx, kind), language };
	if (channel === 'voice') {
		return {
			to: ctx.patient.phone,
			say: voiceText(ctx, kind),
			language,
			appointmentId: ctx.appointment.id,
			// The call asks for 1 (confirm) or 2 (a new time), except when it says the visit is cancelled.
			keypad: kind !== 'cancelled'
		};
	}
	const params = { clinic: ctx.clinicName, when: when(ctx, 'long'), link: linkOf(ctx, kind) };
	return {
		to: ctx.patient.email,
		subject: t(`messages:appointment.email.${kind}.subject`, params),
		text: t(`messages:appointment.email.${kind}.body`, params),
		language,
		attachments: [
			{
				filename: 'visit.ics',
				contentType: `text/calendar; charset=utf-8; method=${kind === 'cancelled' ? 'CANCEL' : 'REQUEST'}`,
				content: calendarEvent(ctx, kind)
			}
		]
	};
}

/** The next moment within calling hours in the time zone, from `at` on. */
export function withinCallingHours(at: Date, timeZone: string): Date {
	let t = new Date(at);
	for (
		let i = 0;
		i < 48 && (hourIn(t, timeZone) < CALLING_HOURS.from || hourIn(t, timeZone) >= CALLING_HOURS.until);
		i++
	) {
		t = new Date(Math.floor(t.getTime() / 3_600_000 + 1) * 3_600_000);
	}
	return t;
}

type DispatchDeps = { db: Executor; phi: PhiCipher; clock: Clock; logger: Logger; baseUrl: string };

/**
 * Hands due messages to the outbox, deciding at the moment of sending: nothing for a cancelled visit
 * but its cancellation, no text to a number that opted out, calls and reminder texts only in calling
 * hours (otherwise postponed), and no more than one text or call a day and three a week.
 */
export async function dispatchDueMessages(deps: DispatchDeps, limit = 50): Promise<number> {
	const now = deps.clock.now();
	return deps.db.transaction().execute(async (tx) => {
		const due = await tx
			.selectFrom('appointment_messages')
			.selectAll()
			.where('status', '=', 'scheduled')
			.where('send_at', '<=', now)
			.orderBy('send_at')
			.limit(limit)
			.forUpdate()
			.skipLocked()
			.execute();
		const clinicNames = new Map<string, string>();
		for (const message of due) {
			const appointment = await readAppointment(tx, message.appointment_id);
			const patient = await readPatient(tx, deps.phi, message.patient_id);
			const settle = (status: 'cancelled' | 'skipped', reason: string | null, sendAt?: Date) =>
				tx
					.updateTable('appointment_messages')
					.set({ status, skip_reason: reason, updated_at: now, ...(sendAt ? { send_at: sendAt } : {}) })
					.where('id', '=', message.id)
					.execute();
			if (!appointment || !patient) {
				await settle('cancelled', 'gone');
				continue;
			}
			if (appointment.status === 'cancelled' && message.kind !== 'cancelled') {
				await settle('cancelled', 'appointment_cancelled');
				continue;
			}
			if (message.kind === 'reminder' && appointment.start <= now) {
				await settle('skipped', 'too_late');
				continue;
			}
			const wireless = message.channel === 'sms' || message.channel === 'voice';
			if (
				message.channel === 'sms' &&
				patient.phone &&
				(await readOptOut(tx, deps.phi.phoneIndex(patient.phone))) === true
			) {
				await settle('skipped', 'opted_out');
				continue;
			}
			if (wireless && (message.channel === 'voice' || message.kind === 'reminder')) {
				const allowed = withinCallingHours(now, patient.timeZone);
				if (allowed.getTime() !== now.getTime()) {
					await tx
						.updateTable('appointment_messages')
						.set({ send_at: allowed, updated_at: now })
						.where('id', '=', message.id)
						.execute();
					continue;
				}
			}
			if (wireless && message.kind === 'reminder') {
				const reason = await overFrequencyLimit(tx, message.patient_id, now, patient.timeZone);
				if (reason) {
					await settle('skipped', reason);
					continue;
				}
			}
			let clinicName = clinicNames.get(appointment.organizationId);
			if (clinicName === undefined) {
				clinicName = (await readOrganization(tx, appointment.organizationId)).name;
				clinicNames.set(appointment.organizationId, clinicName);
			}
			const context = {
				appointment,
				patient,
				clinicName,
				baseUrl: deps.baseUrl,
				visitUrl: visitLink(deps.baseUrl, deps.phi, appointment.id)
			};
			const row = await enqueue(
				tx,
				deps.phi,
				{
					channel: message.channel,
					payload: outboxPayload(context, message.kind, message.channel),
					idempotencyKey: `appointment-message:${message.id}`,
					organizationId: appointment.organizationId
				},
				{ now, maxAttempts: 5 }
			);
			await tx
				.updateTable('appointment_messages')
				.set({ status: 'queued', outbox_id: row.id, updated_at: now })
				.where('id', '=', message.id)
				.execute();
		}
		if (due.length) deps.logger.debug({ count: due.length }, 'appointment messages dispatched');
		return due.length;
	});
}

/** 'daily_limit' or 'weekly_limit' when one more text or call would exceed the FCC limits. */
async function overFrequencyLimit(
	db: Executor,
	patientId: string,
	now: Date,
	timeZone: string
): Promise<string | null> {
	const sent = await db
		.selectFrom('appointment_messages')
		.select('send_at')
		.where('patient_id', '=', patientId)
		.where('channel', 'in', ['sms', 'voice'])
		.where('status', 'in', ['queued', 'sent', 'delivered'])
		.where('send_at', '>', new Date(now.getTime() - 7 * 24 * 60 * 60_000))
		.execute();
	const today = dayIn(now, timeZone);
	if (sent.some((s) => dayIn(s.send_at, timeZone) === today)) return 'daily_limit';
	if (sent.length >= WEEKLY_LIMIT) return 'weekly_limit';
	return null;
}
