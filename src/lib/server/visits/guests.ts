import { randomBytes, randomUUID } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { parseContact } from '../identity/patient-sign-in';
import type { ServiceContext } from '../platform/context';
import { sha256Hex } from '../platform/crypto/hash';
import { AppError, validationFailed } from '../platform/errors';
import { tFor } from '../platform/i18n';
import { enqueue } from '../platform/outbox/outbox';
import type { GuestRole, GuestStatus } from '../platform/schema';
import { readOrganization } from '../organizations/repository';
import { participantOf } from './participants';
import { publishEvent, readVisit } from './repository';

/** At most this many guests may be invited to one visit (interpreter, caregiver, a colleague...). */
const MAX_GUESTS = 4;

export type Guest = {
	id: string;
	role: GuestRole;
	name: string;
	status: GuestStatus;
	invitedAt: Date;
};

export type GuestInvitation = { role: GuestRole; name: string; contact: string; language: string };

/** The guests of a visit, for its participants. Reading their names is audited with the room read. */
export async function listGuests(
	ctx: Pick<ServiceContext, 'db' | 'phi'>,
	appointmentId: string
): Promise<Guest[]> {
	const rows = await ctx.db
		.selectFrom('visit_guests')
		.select(['id', 'role', 'name_enc', 'status', 'invited_at', 'data_key_id'])
		.where('appointment_id', '=', appointmentId)
		.orderBy('invited_at')
		.execute();
	const guests: Guest[] = [];
	for (const row of rows) {
		const key = await ctx.phi.dataKey(ctx.db, row.data_key_id);
		guests.push({
			id: row.id,
			role: row.role,
			name: ctx.phi.open(key, 'visit_guests.name', row.id, row.name_enc),
			status: row.status,
			invitedAt: row.invited_at
		});
	}
	return guests;
}

/**
 * Invites a guest by a link sent to them (SMS or email, in their language). The clinician may invite
 * anyone; the patient an interpreter or a caregiver. The link lets them ask to join this visit only;
 * the host admits them. The message names neither the patient nor the reason for the visit.
 */
export async function inviteGuest(
	ctx: ServiceContext,
	appointmentId: string,
	invitation: GuestInvitation,
	baseUrl: string
): Promise<{ id: string }> {
	const who = await participantOf(ctx, appointmentId, 'visit.guest.invite');
	const attempt = { action: 'visit.guest.invite', resourceType: 'appointment', resourceId: appointmentId };
	if (who.kind === 'guest' || (who.kind === 'patient' && invitation.role === 'clinician')) {
		await ctx.audit.record({ ...attempt, outcome: 'denied', details: { role: invitation.role } });
		throw new AppError('FORBIDDEN');
	}
	const name = invitation.name.trim();
	if (!name || name.length > 80) throw validationFailed([{ field: 'name', key: 'errors:field.required' }]);
	const contact = parseContact(invitation.contact);
	if (!contact) throw validationFailed([{ field: 'contact', key: 'errors:field.recipient' }]);
	const visit = await readVisit(ctx.db, appointmentId);
	if (!visit) throw new AppError('VISIT_NOT_RUNNING');
	if (visit.status === 'ended') throw new AppError('VISIT_ENDED');
	const now = ctx.clock.now();
	const id = randomUUID();
	const link = encodeBase32LowerCaseNoPadding(randomBytes(20));
	const organization = await readOrganization(ctx.db, visit.organizationId);
	const t = tFor(invitation.language);
	const url = `${baseUrl}/guest/${link}`;
	const role = t(`visit:role.${invitation.role}`);
	await ctx.db.transaction().execute(async (tx) => {
		const count = await tx
			.selectFrom('visit_guests')
			.select((eb) => eb.fn.countAll<string>().as('n'))
			.where('appointment_id', '=', appointmentId)
			.where('status', 'not in', ['removed', 'declined'])
			.executeTakeFirstOrThrow();
		if (Number(count.n) >= MAX_GUESTS) throw new AppError('CONFLICT');
		const key = await ctx.phi.newDataKey(tx);
		await tx
			.insertInto('visit_guests')
			.values({
				id,
				appointment_id: appointmentId,
				role: invitation.role,
				name_enc: ctx.phi.seal(key, 'visit_guests.name', id, name),
				contact_enc: ctx.phi.seal(key, 'visit_guests.contact', id, contact.value),
				channel: contact.kind === 'email' ? 'email' : 'sms',
				language: invitation.language,
				data_key_id: key.id,
				link_hash: sha256Hex(link),
				status: 'invited',
				invited_by_kind: who.kind,
				invited_by_id: who.id,
				invited_at: now
			})
			.execute();
		const message =
			contact.kind === 'email'
				? {
						channel: 'email' as const,
						payload: {
							to: contact.value,
							subject: t('messages:guest.email.subject', { clinic: organization.name }),
							text: t('messages:guest.email.body', { clinic: organization.name, role, url }),
							language: invitation.language
						}
					}
				: {
						channel: 'sms' as const,
						payload: {
							to: contact.value,
							body: t('messages:guest.sms', { role, url }),
							language: invitation.language
						}
					};
		await enqueue(
			tx,
			ctx.phi,
			{ ...message, idempotencyKey: `guest:${id}`, organizationId: visit.organizationId },
			{ now, maxAttempts: 3 }
		);
		await publishEvent(tx, { appointmentId, organizationId: visit.organizationId, type: 'guests', at: now });
		await ctx.audit.record(
			{
				...attempt,
				organizationId: visit.organizationId,
				details: { role: invitation.role, channel: message.channel }
			},
			tx
		);
	});
	return { id };
}

type GuestRow = { id: string; appointment_id: string; status: GuestStatus; organization_id: string };

async function guestByLink(ctx: ServiceContext, link: string): Promise<GuestRow & { visitStatus: string }> {
	const row = await ctx.db
		.selectFrom('visit_guests')
		.innerJoin('visits', 'visits.appointment_id', 'visit_guests.appointment_id')
		.select([
			'visit_guests.id',
			'visit_guests.appointment_id',
			'visit_guests.status',
			'visits.organization_id',
			'visits.status as visitStatus'
		])
		.where('visit_guests.link_hash', '=', sha256Hex(link))
		.executeTakeFirst();
	// One answer for a link that never existed or was withdrawn; a visit that is over says so.
	if (!row || row.status === 'removed' || row.status === 'declined') throw new AppError('LINK_EXPIRED');
	if (row.visitStatus === 'ended') throw new AppError('VISIT_ENDED');
	return row;
}

/** What a guest's link shows before they ask to join: the clinic and their role (no patient details). */
export async function guestInvitation(
	ctx: ServiceContext,
	link: string
): Promise<{ clinic: string; role: GuestRole; name: string }> {
	const row = await guestByLink(ctx, link);
	const guest = (await listGuests(ctx, row.appointment_id)).find((g) => g.id === row.id)!;
	const organization = await readOrganization(ctx.db, row.organization_id);
	return { clinic: organization.name, role: guest.role, name: guest.name };
}

/**
 * The guest asks to join: they wait for the host to admit them. The browser receives a session of its
 * own (only its hash is kept) that reaches this visit alone and ends with it.
 */
export async function askToJoin(
	ctx: ServiceContext,
	link: string
): Promise<{ sessionToken: string; appointmentId: string }> {
	const row = await guestByLink(ctx, link);
	const sessionToken = encodeBase32LowerCaseNoPadding(randomBytes(20));
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		await tx
			.updateTable('visit_guests')
			.set({
				session_hash: sha256Hex(sessionToken),
				status: row.status === 'invited' ? 'waiting' : row.status
			})
			.where('id', '=', row.id)
			.execute();
		await publishEvent(tx, {
			appointmentId: row.appointment_id,
			organizationId: row.organization_id,
			type: 'guests',
			at: now
		});
		await ctx.audit.record(
			{
				action: 'visit.guest.ask',
				resourceType: 'appointment',
				resourceId: row.appointment_id,
				organizationId: row.organization_id,
				details: { guest: row.id }
			},
			tx
		);
	});
	return { sessionToken, appointmentId: row.appointment_id };
}

/** The guest a guest-session token names, while their visit has not ended; null otherwise. */
export async function authenticateGuest(
	db: ServiceContext['db'],
	sessionToken: string
): Promise<{ id: string; appointmentId: string; organizationId: string } | null> {
	const row = await db
		.selectFrom('visit_guests')
		.innerJoin('visits', 'visits.appointment_id', 'visit_guests.appointment_id')
		.select(['visit_guests.id', 'visit_guests.appointment_id', 'visits.organization_id', 'visits.status'])
		.where('visit_guests.session_hash', '=', sha256Hex(sessionToken))
		.where('visit_guests.status', 'in', ['waiting', 'admitted'])
		.executeTakeFirst();
	if (!row || row.status === 'ended') return null;
	return { id: row.id, appointmentId: row.appointment_id, organizationId: row.organization_id };
}

/**
 * The host admits a waiting guest into the running visit, or turns them away; removing an admitted
 * guest ends their access at once.
 */
export async function decideGuest(
	ctx: ServiceContext,
	appointmentId: string,
	guestId: string,
	decision: 'admit' | 'decline' | 'remove'
): Promise<void> {
	const who = await participantOf(ctx, appointmentId, 'visit.guest.admit');
	const attempt = { action: 'visit.guest.admit', resourceType: 'appointment', resourceId: appointmentId };
	if (!who.host) {
		await ctx.audit.record({ ...attempt, outcome: 'denied', details: { permission: 'visit.host' } });
		throw new AppError('FORBIDDEN');
	}
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		const visit = await readVisit(tx, appointmentId, true);
		if (!visit || visit.status !== 'in_progress') throw new AppError('VISIT_NOT_RUNNING');
		const guest = await tx
			.selectFrom('visit_guests')
			.select(['status'])
			.where('id', '=', guestId)
			.where('appointment_id', '=', appointmentId)
			.forUpdate()
			.executeTakeFirst();
		if (!guest) throw new AppError('NOT_FOUND');
		const allowed = decision === 'remove' ? guest.status === 'admitted' : guest.status === 'waiting';
		if (!allowed) throw new AppError('CONFLICT');
		const status = decision === 'admit' ? 'admitted' : decision === 'decline' ? 'declined' : 'removed';
		await tx
			.updateTable('visit_guests')
			.set({ status, ...(decision === 'admit' ? { admitted_at: now } : { session_hash: null }) })
			.where('id', '=', guestId)
			.execute();
		if (decision !== 'admit') {
			await tx
				.updateTable('visit_connections')
				.set({ closed_at: now, closed_reason: 'removed' })
				.where('appointment_id', '=', appointmentId)
				.where('participant', '=', `guest:${guestId}`)
				.where('closed_at', 'is', null)
				.execute();
		}
		await publishEvent(tx, { appointmentId, organizationId: visit.organizationId, type: 'guests', at: now });
		await ctx.audit.record(
			{ ...attempt, organizationId: visit.organizationId, details: { guest: guestId, decision } },
			tx
		);
	});
}
