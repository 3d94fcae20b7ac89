import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock';
import type { PhiCipher } from '../platform/crypto/phi';
import { tFor } from '../platform/i18n';
import { enqueue } from '../platform/outbox/outbox';
import type { Database } from '../platform/schema';
import { EXPIRY_WARNING_DAYS, daysBetween, expiryWarning } from './records';

type Deps = { db: Kysely<Database>; phi: PhiCipher; clock: Clock; logger: Logger; baseUrl: string };

/**
 * Emails each clinician once per threshold (60, 30 and 7 days before) about an active licence that is
 * about to expire, in their language, and records the notice so a restart never sends it twice. A
 * renewed licence (a new expiry date) starts the warnings over. Returns how many were sent.
 */
export async function sendLicenceExpiryNotices(deps: Deps): Promise<number> {
	const now = deps.clock.now();
	const today = now.toISOString().slice(0, 10);
	const horizon = new Date(now.getTime() + (EXPIRY_WARNING_DAYS[0] + 1) * 86_400_000)
		.toISOString()
		.slice(0, 10);
	return deps.db.transaction().execute(async (tx) => {
		const due = await tx
			.selectFrom('licenses as l')
			.innerJoin('staff as s', 's.id', 'l.staff_id')
			.innerJoin('organizations as o', 'o.id', 's.organization_id')
			.select([
				'l.id',
				'l.state',
				'l.credential',
				'l.expires_on',
				's.email',
				's.display_name',
				's.preferred_language',
				's.organization_id',
				'o.name as clinic'
			])
			.where('l.status', '=', 'active')
			.where('s.active', '=', true)
			.where('l.expires_on', '>=', today)
			.where('l.expires_on', '<=', horizon)
			.execute();
		let sent = 0;
		for (const licence of due) {
			const threshold = expiryWarning(licence.expires_on, today);
			if (threshold === null) continue;
			const recorded = await tx
				.insertInto('license_expiry_notices')
				.values({
					license_id: licence.id,
					threshold_days: threshold,
					expires_on: licence.expires_on,
					sent_at: now
				})
				.onConflict((oc) => oc.doNothing())
				.returning('license_id')
				.executeTakeFirst();
			if (!recorded) continue;
			const t = tFor(licence.preferred_language);
			const params = {
				name: licence.display_name,
				clinic: licence.clinic,
				state: licence.state,
				credential: licence.credential,
				date: new Intl.DateTimeFormat(licence.preferred_language, {
					dateStyle: 'long',
					timeZone: 'UTC'
				}).format(new Date(`${licence.expires_on}T00:00:00Z`)),
				count: daysBetween(today, licence.expires_on),
				link: `${deps.baseUrl}/staff/licences`
			};
			await enqueue(
				tx,
				deps.phi,
				{
					channel: 'email',
					payload: {
						to: licence.email,
						subject: t('messages:licence_expiry.subject', params),
						text: t('messages:licence_expiry.body', params),
						language: licence.preferred_language
					},
					idempotencyKey: `licence-expiry:${licence.id}:${licence.expires_on}:${threshold}`,
					organizationId: licence.organization_id
				},
				{ now, maxAttempts: 5 }
			);
			sent++;
		}
		if (sent) deps.logger.info({ sent }, 'licence expiry notices sent');
		return sent;
	});
}
