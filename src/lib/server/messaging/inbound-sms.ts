import { randomUUID } from 'node:crypto';
import { readOrganization } from '../organizations/repository';
import { findPatientIdsByPhone, readPatient, type Patient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import { normalizePhone } from '../platform/crypto/phi';
import { tFor } from '../platform/i18n';
import type { Appointment } from '../scheduling/repository';
import { readOptOut, recordOptChoice } from './opt-outs';
import { visitTime } from '../scheduling/messages';
import { listAppointments } from '../scheduling/repository';

export type Keyword = 'confirm' | 'reschedule' | 'opt_out' | 'opt_in' | 'help' | 'unknown';

// FCC 24-24 (in force 11 Apr 2025): a revocation by any reasonable means counts, and these words
// are revocations (DOMAIN.md, SMS and calls). A text containing one of them as a word opts out.
const REVOCATIONS = [
	'STOP',
	'QUIT',
	'END',
	'REVOKE',
	'OPT OUT',
	'OPTOUT',
	'CANCEL',
	'UNSUBSCRIBE',
	'STOPALL'
];
const OPT_IN = ['START', 'UNSTOP'];

/** What a patient's text asks for. */
export function keywordOf(body: string): Keyword {
	const text = body
		.normalize('NFKC')
		.toUpperCase()
		// A Russian keyboard types Cyrillic С and Р for the C and R the texts ask for.
		.replace(/^\s*С\s*$/u, 'C')
		.replace(/^\s*Р\s*$/u, 'R')
		.replace(/[^\p{L}\p{N}\s]/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	const padded = ` ${text} `;
	if (REVOCATIONS.some((word) => padded.includes(` ${word} `))) return 'opt_out';
	if (OPT_IN.includes(text)) return 'opt_in';
	if (text === 'HELP' || text === 'INFO') return 'help';
	if (text === 'C' || text === 'CONFIRM') return 'confirm';
	if (text === 'R' || text === 'RESCHEDULE') return 'reschedule';
	return 'unknown';
}

export type InboundSms = { messageSid: string; from: string; body: string };

/**
 * Acts on a text from a patient's phone and returns the reply (null: none). C confirms their next
 * visit, R asks the clinic to call about a new time, a revocation opts the number out at once with
 * one confirmation, START opts back in, HELP answers with the clinic's name. Every text is recorded
 * (the keyword, never the body); a repeated delivery of the same message changes nothing again.
 */
export async function handleInboundSms(ctx: ServiceContext, sms: InboundSms): Promise<string | null> {
	const now = ctx.clock.now();
	const phone = normalizePhone(sms.from);
	const phoneIndex = ctx.phi.phoneIndex(phone);
	const keyword = keywordOf(sms.body);
	const ids = await findPatientIdsByPhone(ctx.db, ctx.phi, null, phone);
	const patients = (await Promise.all(ids.map((id) => readPatient(ctx.db, ctx.phi, id)))).filter(
		(p): p is Patient => p !== undefined
	);
	const patient = patients[0];
	const t = tFor(patient?.preferredLanguage ?? 'en');

	return ctx.db.transaction().execute(async (tx) => {
		const seen = await tx
			.selectFrom('inbound_sms')
			.select('id')
			.where('message_sid', '=', sms.messageSid)
			.executeTakeFirst();
		const firstDelivery = !seen;
		const optedOutBefore = await readOptOut(tx, phoneIndex);

		let reply: string | null;
		let appointmentId: string | null = null;
		if (keyword === 'opt_out' || keyword === 'opt_in') {
			const optedOut = keyword === 'opt_out';
			await recordOptChoice(tx, { phoneHmac: phoneIndex, optedOut, keyword, now });
			// One confirmation of an opt-out, not one per repeated STOP.
			reply =
				optedOutBefore !== optedOut ? t(optedOut ? 'messages:sms.opted_out' : 'messages:sms.opted_in') : null;
		} else if (optedOutBefore === true && keyword !== 'help') {
			reply = null;
		} else if (keyword === 'help') {
			const clinic = patient ? (await readOrganization(tx, patient.organizationId)).name : 'AnyVisit';
			reply = t('messages:sms.help', { clinic });
		} else if (keyword === 'confirm' || keyword === 'reschedule') {
			let next: { appointment: Appointment; patient: Patient } | undefined;
			for (const p of patients) {
				const upcoming = await listAppointments(tx, {
					organizationId: p.organizationId,
					patientId: p.id,
					from: now,
					statuses: ['booked', 'confirmed']
				});
				const first = upcoming.find((a) => a.start > now);
				if (first && (!next || first.start < next.appointment.start))
					next = { appointment: first, patient: p };
			}
			if (!next) reply = t('messages:sms.no_appointment');
			else {
				appointmentId = next.appointment.id;
				if (keyword === 'confirm') {
					if (firstDelivery && next.appointment.status === 'booked') {
						await tx
							.updateTable('appointments')
							.set({ status: 'confirmed', confirmed_at: now, updated_at: now })
							.where('id', '=', next.appointment.id)
							.execute();
					}
					reply = tFor(next.patient.preferredLanguage)('messages:sms.confirmed', {
						when: visitTime(next.appointment.start, next.patient, 'short')
					});
				} else reply = tFor(next.patient.preferredLanguage)('messages:sms.reschedule_requested');
			}
		} else reply = t('messages:sms.unknown');

		if (firstDelivery) {
			await tx
				.insertInto('inbound_sms')
				.values({
					id: randomUUID(),
					message_sid: sms.messageSid,
					from_hmac: phoneIndex,
					patient_id: patient?.id ?? null,
					keyword,
					appointment_id: appointmentId,
					received_at: now
				})
				.execute();
			await ctx.audit.record(
				{
					action: `sms.${keyword}`,
					resourceType: appointmentId ? 'appointment' : 'patient',
					resourceId: appointmentId ?? patient?.id ?? null,
					organizationId: patient?.organizationId ?? null,
					purpose: 'treatment'
				},
				tx
			);
		}
		return reply;
	});
}
