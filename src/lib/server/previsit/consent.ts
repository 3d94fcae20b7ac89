import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { refuseAsNotFound, requirePermission } from '../identity/policy';
import { readPatient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import type { PhiCipher } from '../platform/crypto/phi';
import { AppError } from '../platform/errors';
import type { ConsentKind, ConsentMethod, Database } from '../platform/schema';
import { getAppointment } from '../scheduling/booking';
import type { Appointment } from '../scheduling/repository';
import { currentTemplate, readTemplate, type ConsentTemplate } from './templates';

type Executor = Kysely<Database>;

/**
 * How long a consent holds: a year. Medicare requires documented consent for communication-technology
 * services, and once a year suffices (DOMAIN.md, Consent); a new version of the text asks again sooner.
 */
export const CONSENT_VALIDITY_DAYS = 365;

export type ConsentRecord = {
	id: string;
	patientId: string;
	appointmentId: string | null;
	kind: ConsentKind;
	method: ConsentMethod;
	signerName: string;
	givenAt: Date;
	expiresAt: Date;
	revokedAt: Date | null;
	ip: string | null;
	userAgent: string | null;
	attestedBy: string | null;
	template: Pick<ConsentTemplate, 'id' | 'version' | 'language' | 'state' | 'contentHash' | 'title' | 'body'>;
};

export type ConsentStatus = 'current' | 'missing' | 'outdated';

/** Where and in which language a patient consents: the check-in's answers, else the booking's. */
export async function consentContext(
	db: Executor,
	phi: PhiCipher,
	appointment: Appointment
): Promise<{ language: string; state: string }> {
	const checkIn = await db
		.selectFrom('check_ins')
		.select(['location_state', 'language'])
		.where('appointment_id', '=', appointment.id)
		.executeTakeFirst();
	if (checkIn) return { language: checkIn.language, state: checkIn.location_state };
	const patient = await readPatient(db, phi, appointment.patientId);
	return { language: patient?.preferredLanguage ?? 'en', state: appointment.patientState };
}

async function readConsentRow(
	db: Executor,
	phi: PhiCipher,
	where: { id?: string; latestFor?: [string, ConsentKind] }
) {
	let query = db
		.selectFrom('consents as c')
		.innerJoin('consent_templates as t', 't.id', 'c.template_id')
		.select([
			'c.id',
			'c.patient_id',
			'c.appointment_id',
			'c.kind',
			'c.method',
			'c.data_key_id',
			'c.signer_name_enc',
			'c.given_at',
			'c.expires_at',
			'c.revoked_at',
			'c.ip',
			'c.user_agent',
			'c.attested_by',
			'c.organization_id',
			't.id as template_id',
			't.version',
			't.language',
			't.state',
			't.content_hash',
			't.title',
			't.body'
		]);
	if (where.id) query = query.where('c.id', '=', where.id);
	if (where.latestFor)
		query = query
			.where('c.patient_id', '=', where.latestFor[0])
			.where('c.kind', '=', where.latestFor[1])
			.where('c.revoked_at', 'is', null)
			.orderBy('c.given_at', 'desc')
			// Two signed in the same millisecond (a fixed clock, a double submit): the newer text wins.
			.orderBy('t.version', 'desc')
			.limit(1);
	const row = await query.executeTakeFirst();
	if (!row) return undefined;
	const key = await phi.dataKey(db, row.data_key_id);
	const record: ConsentRecord = {
		id: row.id,
		patientId: row.patient_id,
		appointmentId: row.appointment_id,
		kind: row.kind,
		method: row.method,
		signerName: phi.open(key, 'consents.signer_name', row.id, row.signer_name_enc),
		givenAt: row.given_at,
		expiresAt: row.expires_at,
		revokedAt: row.revoked_at,
		ip: row.ip,
		userAgent: row.user_agent,
		attestedBy: row.attested_by,
		template: {
			id: row.template_id,
			version: row.version,
			language: row.language,
			state: row.state,
			contentHash: row.content_hash,
			title: row.title,
			body: row.body
		}
	};
	return { record, organizationId: row.organization_id };
}

/** Whether a newer version of the same text (kind, language, state) is in force than the one signed. */
async function superseded(db: Executor, organizationId: string, record: ConsentRecord, now: Date) {
	const t = record.template;
	const newer = await db
		.selectFrom('consent_templates')
		.select('id')
		.where('organization_id', '=', organizationId)
		.where('kind', '=', record.kind)
		.where('language', '=', t.language)
		.where((eb) => (t.state ? eb('state', '=', t.state) : eb('state', 'is', null)))
		.where('version', '>', t.version)
		.where('effective_from', '<=', now)
		.executeTakeFirst();
	return !!newer;
}

/**
 * A patient's standing consent of one kind: current (given, not withdrawn, within its year, its text
 * not replaced by a newer version), outdated (the text changed), or missing.
 */
export async function consentStatusOf(
	db: Executor,
	phi: PhiCipher,
	patientId: string,
	kind: ConsentKind,
	now: Date
): Promise<{ status: ConsentStatus; record: ConsentRecord | null }> {
	const found = await readConsentRow(db, phi, { latestFor: [patientId, kind] });
	if (!found || found.record.expiresAt <= now) return { status: 'missing', record: null };
	if (await superseded(db, found.organizationId, found.record, now))
		return { status: 'outdated', record: found.record };
	return { status: 'current', record: found.record };
}

/** What the consent page shows: the text in force for this patient and visit, and what stands. */
export async function consentForVisit(ctx: ServiceContext, appointmentId: string) {
	const appointment = await getAppointment(ctx, appointmentId);
	const now = ctx.clock.now();
	const where = await consentContext(ctx.db, ctx.phi, appointment);
	const template = (kind: ConsentKind) =>
		currentTemplate(ctx.db, { organizationId: appointment.organizationId, kind, now, ...where });
	const telehealth = await consentStatusOf(ctx.db, ctx.phi, appointment.patientId, 'telehealth', now);
	const recording = await consentStatusOf(ctx.db, ctx.phi, appointment.patientId, 'recording', now);
	await ctx.audit.record({
		action: 'consent.read',
		resourceType: 'appointment',
		resourceId: appointmentId,
		organizationId: appointment.organizationId
	});
	return {
		appointment,
		state: where.state,
		telehealth: { ...telehealth, template: await template('telehealth') },
		recording: { ...recording, template: await template('recording') }
	};
}

async function insertConsent(
	tx: Executor,
	phi: PhiCipher,
	consent: {
		organizationId: string;
		patientId: string;
		appointmentId: string | null;
		template: ConsentTemplate;
		method: ConsentMethod;
		signerName: string;
		givenAt: Date;
		ip: string | null;
		userAgent: string | null;
		attestedBy: string | null;
		/** The phone call a keypad consent was given on. */
		callSid?: string;
	}
): Promise<string> {
	const id = randomUUID();
	const key = await phi.newDataKey(tx);
	await tx
		.insertInto('consents')
		.values({
			id,
			organization_id: consent.organizationId,
			patient_id: consent.patientId,
			appointment_id: consent.appointmentId,
			template_id: consent.template.id,
			kind: consent.template.kind,
			method: consent.method,
			data_key_id: key.id,
			signer_name_enc: phi.seal(key, 'consents.signer_name', id, consent.signerName),
			given_at: consent.givenAt,
			expires_at: new Date(consent.givenAt.getTime() + CONSENT_VALIDITY_DAYS * 86_400_000),
			ip: consent.ip,
			user_agent: consent.userAgent?.slice(0, 512) ?? null,
			attested_by: consent.attestedBy,
			call_sid: consent.callSid ?? null
		})
		.execute();
	return id;
}

export type SignatureInput = {
	/** The telehealth template the patient was shown (its id, so a changed text is noticed). */
	templateId: string;
	signerName: string;
	/** The separate, optional consent to recording: given, declined (withdraws one given before), or not asked. */
	recording: 'yes' | 'no';
	recordingTemplateId?: string | undefined;
	origin: { ip: string | null; userAgent: string | null };
};

/**
 * The patient signs electronically: the typed name, the time, IP and user agent, bound to the exact
 * template version by its hash. A text replaced since the page was shown is refused (CONSENT_OUTDATED),
 * so nobody signs what they did not read; signing the same text again changes nothing.
 */
export async function signConsent(
	ctx: ServiceContext,
	appointmentId: string,
	input: SignatureInput
): Promise<{ telehealthConsentId: string }> {
	const attempt = { action: 'consent.sign', resourceType: 'appointment', resourceId: appointmentId };
	if (ctx.actor.kind !== 'patient') return refuseAsNotFound(ctx, attempt);
	const view = await consentForVisit(ctx, appointmentId);
	const shown = await readTemplate(ctx.db, input.templateId);
	const inForce = view.telehealth.template;
	if (!inForce || !shown || shown.id !== inForce.id) throw new AppError('CONSENT_OUTDATED');
	const recordingTemplate = view.recording.template;
	if (input.recording === 'yes' && input.recordingTemplateId !== recordingTemplate?.id)
		throw new AppError('CONSENT_OUTDATED');
	const now = ctx.clock.now();
	const base = {
		organizationId: view.appointment.organizationId,
		patientId: view.appointment.patientId,
		appointmentId,
		method: 'electronic' as const,
		signerName: input.signerName,
		givenAt: now,
		ip: input.origin.ip,
		userAgent: input.origin.userAgent,
		attestedBy: null
	};
	return ctx.db.transaction().execute(async (tx) => {
		const standing = view.telehealth;
		const same = standing.status === 'current' && standing.record?.template.id === inForce.id;
		const telehealthConsentId = same
			? standing.record!.id
			: await insertConsent(tx, ctx.phi, { ...base, template: inForce });
		const recording = view.recording;
		if (input.recording === 'yes' && recordingTemplate) {
			if (!(recording.status === 'current' && recording.record?.template.id === recordingTemplate.id))
				await insertConsent(tx, ctx.phi, { ...base, template: recordingTemplate });
		} else if (input.recording === 'no' && recording.record) {
			await tx
				.updateTable('consents')
				.set({ revoked_at: now })
				.where('id', '=', recording.record.id)
				.execute();
		}
		await ctx.audit.record(
			{
				...attempt,
				organizationId: base.organizationId,
				details: { recording: input.recording, repeated: same }
			},
			tx
		);
		return { telehealthConsentId };
	});
}

/** Keeps consent spoken aloud (to a clinician, or by keypad on the phone line) against the template read. */
async function recordSpokenConsent(
	ctx: ServiceContext,
	appointmentId: string,
	spoken: {
		kind: ConsentKind;
		method: 'verbal_clinician' | 'verbal_ivr';
		attempt: { action: string; resourceType: string; resourceId: string };
		attestedBy: string | null;
		callSid?: string;
	}
): Promise<{ consentId: string }> {
	const view = await consentForVisit(ctx, appointmentId);
	const template = view[spoken.kind].template;
	if (!template) throw new AppError('CONSENT_OUTDATED');
	const patient = (await readPatient(ctx.db, ctx.phi, view.appointment.patientId))!;
	return ctx.db.transaction().execute(async (tx) => {
		const consentId = await insertConsent(tx, ctx.phi, {
			organizationId: view.appointment.organizationId,
			patientId: patient.id,
			appointmentId,
			template,
			method: spoken.method,
			signerName: `${patient.givenName} ${patient.familyName}`,
			givenAt: ctx.clock.now(),
			ip: null,
			userAgent: null,
			attestedBy: spoken.attestedBy,
			...(spoken.callSid ? { callSid: spoken.callSid } : {})
		});
		await ctx.audit.record(
			{
				...spoken.attempt,
				organizationId: view.appointment.organizationId,
				...(spoken.method === 'verbal_clinician' ? { details: { kind: spoken.kind } } : {})
			},
			tx
		);
		return { consentId };
	});
}

/**
 * Verbal consent, documented by the clinician who heard it (attested, with their id), stored like a
 * signature against the template the patient was read.
 */
export async function recordVerbalConsent(
	ctx: ServiceContext,
	appointmentId: string,
	kind: ConsentKind
): Promise<{ consentId: string }> {
	const attempt = { action: 'consent.verbal', resourceType: 'appointment', resourceId: appointmentId };
	const staff = await requirePermission(ctx, 'chart.read', attempt);
	return recordSpokenConsent(ctx, appointmentId, {
		kind,
		method: 'verbal_clinician',
		attempt,
		attestedBy: staff.id
	});
}

/**
 * Consent given on the phone line: the patient, identified by date of birth, heard the summary in
 * their language and pressed 1. Kept as verbal consent with the call's CallSid (DOMAIN.md, Consent:
 * "documented verbal consent").
 */
export async function recordIvrConsent(
	ctx: ServiceContext,
	appointmentId: string,
	callSid: string
): Promise<{ consentId: string }> {
	const attempt = { action: 'consent.ivr', resourceType: 'appointment', resourceId: appointmentId };
	if (ctx.actor.kind !== 'patient') return refuseAsNotFound(ctx, attempt);
	return recordSpokenConsent(ctx, appointmentId, {
		kind: 'telehealth',
		method: 'verbal_ivr',
		attempt,
		attestedBy: null,
		callSid
	});
}

/** Withdraws a consent: the patient their own, or staff who treat; a withdrawn consent stays on record. */
export async function revokeConsent(ctx: ServiceContext, consentId: string): Promise<void> {
	const attempt = { action: 'consent.revoke', resourceType: 'consent', resourceId: consentId };
	const found = await readConsentRow(ctx.db, ctx.phi, { id: consentId });
	const { actor } = ctx;
	if (actor.kind === 'patient') {
		if (!found || found.record.patientId !== actor.id) return refuseAsNotFound(ctx, attempt);
	} else {
		const staff = await requirePermission(ctx, 'chart.read', attempt);
		if (!found || found.organizationId !== staff.organizationId) return refuseAsNotFound(ctx, attempt);
	}
	if (found.record.revokedAt) return;
	await ctx.db.transaction().execute(async (tx) => {
		// Withdrawing is for the kind, not one record: no earlier consent of the kind may stand in for it.
		await tx
			.updateTable('consents')
			.set({ revoked_at: ctx.clock.now() })
			.where('patient_id', '=', found.record.patientId)
			.where('kind', '=', found.record.kind)
			.where('revoked_at', 'is', null)
			.execute();
		await ctx.audit.record({ ...attempt, organizationId: found.organizationId }, tx);
	});
}

/** A consent record for staff, with its template version and content hash (the pre-visit public contract). */
export async function getConsentRecord(ctx: ServiceContext, consentId: string): Promise<ConsentRecord> {
	const attempt = { action: 'consent.read', resourceType: 'consent', resourceId: consentId };
	const staff = await requirePermission(ctx, 'patient.read', attempt);
	const found = await readConsentRow(ctx.db, ctx.phi, { id: consentId });
	if (!found || found.organizationId !== staff.organizationId) return refuseAsNotFound(ctx, attempt);
	await ctx.audit.record({ ...attempt, organizationId: found.organizationId, purpose: 'operations' });
	return found.record;
}

/** Whether a visit may start: the patient's telehealth consent is current (the visit room asks here). */
export async function hasCurrentConsent(
	db: Executor,
	phi: PhiCipher,
	patientId: string,
	now: Date
): Promise<boolean> {
	return (await consentStatusOf(db, phi, patientId, 'telehealth', now)).status === 'current';
}
