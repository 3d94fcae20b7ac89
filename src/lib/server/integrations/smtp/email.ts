import nodemailer from 'nodemailer';
import * as v from 'valibot';
import { sha256Hex } from '../../platform/crypto/hash';
import { EmailPayload } from '../../platform/outbox/messages';
import { PermanentDeliveryError, type Transport } from '../../platform/outbox/transport';

export type SmtpSettings = { url: string; from: string };

/**
 * Email through an SMTP relay (nodemailer). The Message-ID comes from the outbox idempotency key, so
 * a retry after a lost reply carries the same id and mail clients show the message once. A 5xx reply
 * (RFC 5321 §4.2.1: permanent negative completion, e.g. an unknown mailbox) is not retried; 4xx
 * replies and connection failures are.
 */
export function smtpEmailTransport(settings: SmtpSettings): Transport {
	const mailer = nodemailer.createTransport(settings.url);
	const domain = settings.from.replace(/^.*@/, '').replace(/>.*$/, '') || 'anyvisit';
	return {
		channel: 'email',
		async deliver(message) {
			const email = v.safeParse(EmailPayload, message.payload);
			if (!email.success) throw new PermanentDeliveryError('The email message payload is not valid');
			try {
				const info = await mailer.sendMail({
					from: settings.from,
					to: email.output.to,
					subject: email.output.subject,
					text: email.output.text,
					messageId: `<${sha256Hex(message.idempotencyKey).slice(0, 32)}@${domain}>`,
					headers: { 'Content-Language': email.output.language, 'Auto-Submitted': 'auto-generated' },
					attachments: (email.output.attachments ?? []).map((a) => ({
						filename: a.filename,
						contentType: a.contentType,
						content: a.content
					}))
				});
				return { remoteId: info.messageId };
			} catch (error) {
				const code =
					typeof error === 'object' && error && 'responseCode' in error ? Number(error.responseCode) : NaN;
				if (code >= 500 && code < 600) {
					throw new PermanentDeliveryError(`The mail server refused the message (SMTP ${code})`);
				}
				throw new Error(
					Number.isFinite(code)
						? `The mail server deferred the message (SMTP ${code})`
						: `The mail server could not be reached: ${error instanceof Error ? error.message : String(error)}`,
					{ cause: error }
				);
			}
		}
	};
}
