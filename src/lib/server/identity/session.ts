import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { sha256Hex } from '../platform/crypto/hash';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Selectable } from 'kysely';
import type { Database, SessionSubject, SessionsTable } from '../platform/schema';

type Executor = Kysely<Database>;

// HIPAA 164.312(a)(2)(iii) automatic logoff; the figures are the identity issue's.
export const STAFF_SESSION = { absoluteMs: 12 * 60 * 60_000, idleMs: 15 * 60_000 };
/** How often an active session's last-active time is written (not on every request). */
const TOUCH_AFTER_MS = 60_000;

export type Session = {
	id: string;
	subjectKind: SessionSubject;
	staffId: string | null;
	patientId: string | null;
	organizationId: string;
	createdAt: Date;
	lastActiveAt: Date;
	expiresAt: Date;
	/** When the session ends if nothing happens before. */
	idleExpiresAt: Date;
	/** While in the future a live visit holds the session open. */
	heldUntil: Date | null;
};

const hashSecret = sha256Hex;
const randomPart = () => encodeBase32LowerCaseNoPadding(randomBytes(15));

/**
 * Creates a session and returns its token, `<id>.<secret>` (the Lucia session guide): only a SHA-256
 * hash of the secret is stored, so a copy of the database cannot be used to sign in.
 */
export async function createSession(
	db: Executor,
	subject: { kind: SessionSubject; id: string; organizationId: string },
	options: { now: Date; absoluteMs: number; idleMs: number }
): Promise<{ token: string; session: Session }> {
	const id = randomPart();
	const secret = randomPart();
	const row = {
		id,
		secret_hash: hashSecret(secret),
		subject_kind: subject.kind,
		staff_id: subject.kind === 'staff' ? subject.id : null,
		patient_id: subject.kind === 'patient' ? subject.id : null,
		organization_id: subject.organizationId,
		created_at: options.now,
		last_active_at: options.now,
		expires_at: new Date(options.now.getTime() + options.absoluteMs),
		idle_timeout_seconds: Math.round(options.idleMs / 1000),
		held_until: null
	};
	await db.insertInto('sessions').values(row).execute();
	return { token: `${id}.${secret}`, session: toSession(row) };
}

/** The session as services see it, with the moment inactivity would end it. */
function toSession(row: Selectable<SessionsTable>): Session {
	const idleEnds = row.last_active_at.getTime() + row.idle_timeout_seconds * 1000;
	const ends = Math.max(Math.min(row.expires_at.getTime(), idleEnds), row.held_until?.getTime() ?? 0);
	return {
		id: row.id,
		subjectKind: row.subject_kind,
		staffId: row.staff_id,
		patientId: row.patient_id,
		organizationId: row.organization_id,
		createdAt: row.created_at,
		lastActiveAt: row.last_active_at,
		expiresAt: row.expires_at,
		idleExpiresAt: new Date(ends),
		heldUntil: row.held_until
	};
}

/**
 * The session a token names, or null when the token is malformed or forged, or the session ended
 * (absolute expiry or inactivity). A valid use slides the inactivity window.
 */
export async function validateSessionToken(db: Executor, token: string, now: Date): Promise<Session | null> {
	const [id, secret, extra] = token.split('.');
	if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return null;
	const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
	if (!row) return null;
	const given = new TextEncoder().encode(hashSecret(secret));
	if (!constantTimeEqual(given, new TextEncoder().encode(row.secret_hash))) return null;
	const idleMs = row.idle_timeout_seconds * 1000;
	const held = row.held_until !== null && now < row.held_until;
	if (!held && (now >= row.expires_at || now.getTime() >= row.last_active_at.getTime() + idleMs)) {
		await db.deleteFrom('sessions').where('id', '=', id).execute();
		return null;
	}
	let lastActiveAt = row.last_active_at;
	// Once past the absolute expiry only a hold keeps the session; activity does not extend it.
	if (now < row.expires_at && now.getTime() - lastActiveAt.getTime() >= TOUCH_AFTER_MS) {
		lastActiveAt = now;
		await db.updateTable('sessions').set({ last_active_at: now }).where('id', '=', id).execute();
	}
	return toSession({ ...row, last_active_at: lastActiveAt });
}

/** How far ahead each heartbeat of a live visit holds its participants' sessions open. */
export const LIVE_VISIT_HOLD_MS = 2 * 60_000;

/**
 * Holds a session open until `until`: neither inactivity nor the absolute expiry ends it before then
 * (a clinician or patient is never signed out mid-visit). The visit room renews the hold while the
 * visit is live; once it lapses the usual limits apply again, so a session past its absolute expiry
 * ends at the first request after the visit.
 */
export async function holdSession(db: Executor, id: string, until: Date): Promise<void> {
	await db.updateTable('sessions').set({ held_until: until }).where('id', '=', id).execute();
}

export async function invalidateSession(db: Executor, id: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a person (sign out everywhere, deactivation); returns how many ended. */
export async function invalidateSubjectSessions(
	db: Executor,
	subject: { kind: SessionSubject; id: string }
): Promise<number> {
	const column = subject.kind === 'staff' ? 'staff_id' : 'patient_id';
	const result = await db.deleteFrom('sessions').where(column, '=', subject.id).executeTakeFirst();
	return Number(result.numDeletedRows);
}
