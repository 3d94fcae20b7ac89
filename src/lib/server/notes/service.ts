import { randomUUID } from 'node:crypto';
import type { TFunction } from 'i18next';
import { enqueueSignedDocument } from '../ehr/documents';
import { requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import type { DataKey } from '../platform/crypto/phi';
import { AppError, validationFailed } from '../platform/errors';
import { readCheckIn } from '../previsit/check-in';
import { consentStatusOf } from '../previsit/consent';
import { getAppointment } from '../scheduling/booking';
import type { Appointment } from '../scheduling/repository';
import { languageName } from '$lib/i18n/needs';
import { readPatient } from '../patients/repository';
import { visitLegs } from '../visits/phone';
import { readSegments, readVisit } from '../visits/repository';

/** The parts of a note a clinician writes (SOAP), and the plain-language summary for the patient. */
export const SECTIONS = [
	'subjective',
	'objective',
	'assessment',
	'plan',
	'diagnoses',
	'patientSummary',
	'totalMinutes',
	'mdm'
] as const;

/** The SOAP sections proper: what a template outlines and the panel beside a running visit edits. */
export const SOAP_SECTIONS = ['subjective', 'objective', 'assessment', 'plan'] as const;

/** Medical decision making, the other basis of an office E/M level (CPT 2021+). */
export const MDM_LEVELS = ['straightforward', 'low', 'moderate', 'high'] as const;
export type Sections = Record<(typeof SECTIONS)[number], string>;

const EMPTY: Sections = {
	subjective: '',
	objective: '',
	assessment: '',
	plan: '',
	// ICD-10-CM codes, principal first, as the claim carries them (837P HI).
	diagnoses: '',
	patientSummary: '',
	// The clinician's total time on the date of service (minutes), which sets the E/M level (CPT 2024+).
	totalMinutes: '',
	// Or the level of medical decision making the clinician chose (CPT 2021+ office E/M).
	mdm: ''
};
const MAX_SECTION = 8000;

/** What was recorded about the visit, for the telehealth attestation (and billing). */
export type Attestation = {
	segments: { modality: string; start: Date; end: Date | null }[];
	location: { state: string; setting: string } | null;
	consent: { method: string; givenAt: Date } | null;
	participants: string[];
	startedAt: Date | null;
	endedAt: Date | null;
	minutes: number | null;
};

export type NoteView = {
	appointment: Pick<Appointment, 'id' | 'start' | 'visitTypeCode'> & {
		patientName: string;
		/** The language the patient reads: their summary is written in it. */
		patientLanguage: string;
	};
	status: 'none' | 'draft' | 'signed';
	sections: Sections;
	signedText: string | null;
	signedAt: Date | null;
	addenda: { text: string; signedAt: Date }[];
	attestation: Attestation;
};

async function noteAccess(ctx: ServiceContext, appointmentId: string, action: string) {
	await requirePermission(ctx, 'note.write', {
		action,
		resourceType: 'appointment',
		resourceId: appointmentId
	});
	return getAppointment(ctx, appointmentId, { action, permission: 'note.write' });
}

/** The visit's recorded facts: modality timeline, where the patient was, consent, who took part, time. */
async function attestationOf(ctx: ServiceContext, appointment: Appointment): Promise<Attestation> {
	const visit = await readVisit(ctx.db, appointment.id);
	const segments = visit ? await readSegments(ctx.db, appointment.id) : [];
	const checkIn = await readCheckIn(ctx.db, ctx.phi, appointment.id);
	const consent = await consentStatusOf(
		ctx.db,
		ctx.phi,
		appointment.patientId,
		'telehealth',
		ctx.clock.now()
	);
	// Guests who were let in (an interpreter, a caregiver, another clinician), and interpreters by phone.
	const guests = await ctx.db
		.selectFrom('visit_guests')
		.select(['role', 'language'])
		.where('appointment_id', '=', appointment.id)
		.where('admitted_at', 'is not', null)
		.execute();
	const legs = visit ? await visitLegs(ctx.db, appointment.id) : [];
	const participants = [
		...guests.map((g) => `${g.role}:${g.language}`),
		...legs
			.filter((l) => l.role === 'interpreter' && l.status !== 'failed')
			.map((l) => `interpreter_phone:${l.language}`)
	];
	const startedAt = visit?.startedAt ?? null;
	const endedAt = visit?.endedAt ?? null;
	return {
		segments: segments.map((s) => ({ modality: s.modality, start: s.start, end: s.end })),
		location: checkIn ? { state: checkIn.locationState, setting: checkIn.locationSetting } : null,
		consent: consent.record ? { method: consent.record.method, givenAt: consent.record.givenAt } : null,
		participants: [...new Set(participants)],
		startedAt,
		endedAt,
		minutes: startedAt && endedAt ? Math.round((endedAt.getTime() - startedAt.getTime()) / 60_000) : null
	};
}

/** The note of a visit as its clinician sees it: draft sections or the signed text, addenda, attestation. */
export async function readNote(ctx: ServiceContext, appointmentId: string): Promise<NoteView> {
	const appointment = await noteAccess(ctx, appointmentId, 'note.read');
	const rows = await ctx.db
		.selectFrom('visit_notes')
		.selectAll()
		.where('appointment_id', '=', appointmentId)
		.orderBy('created_at')
		.execute();
	const note = rows.find((r) => r.kind === 'note');
	const open = async (row: (typeof rows)[number]) => {
		const key = await ctx.phi.dataKey(ctx.db, row.data_key_id);
		return {
			sections: openSections(ctx.phi, key, row.id, row.sections_enc),
			text: row.text_enc ? ctx.phi.open(key, 'visit_notes.text', row.id, row.text_enc) : null
		};
	};
	const opened = note ? await open(note) : null;
	const patient = await readPatient(ctx.db, ctx.phi, appointment.patientId);
	const addenda = [];
	for (const row of rows.filter((r) => r.kind === 'addendum')) {
		addenda.push({ text: (await open(row)).text!, signedAt: row.signed_at! });
	}
	await ctx.audit.record({
		action: 'note.read',
		resourceType: 'appointment',
		resourceId: appointmentId,
		organizationId: appointment.organizationId
	});
	return {
		appointment: {
			id: appointment.id,
			start: appointment.start,
			visitTypeCode: appointment.visitTypeCode,
			patientName: patient ? `${patient.givenName} ${patient.familyName}` : '',
			patientLanguage: patient?.preferredLanguage ?? 'en'
		},
		status: note?.status ?? 'none',
		sections: opened?.sections ?? EMPTY,
		signedText: opened?.text ?? null,
		signedAt: note?.signed_at ?? null,
		addenda,
		attestation: await attestationOf(ctx, appointment)
	};
}

/** The note for its editor: a note not yet begun starts from the SOAP outline of the visit's type. */
export async function noteForEditing(
	ctx: ServiceContext,
	appointmentId: string,
	t: TFunction
): Promise<NoteView> {
	const view = await readNote(ctx, appointmentId);
	if (view.status !== 'none') return view;
	return { ...view, sections: { ...view.sections, ...noteTemplate(t, view.appointment.visitTypeCode) } };
}

function checkSections(input: Partial<Sections>): Sections {
	const sections = { ...EMPTY };
	const problems = [];
	for (const name of SECTIONS) {
		// Browsers send a textarea's line breaks as CRLF; the note keeps LF.
		const text = (input[name] ?? '').replace(/\r\n?/g, '\n').trim();
		if (text.length > MAX_SECTION)
			problems.push({ field: name, key: 'errors:field.too_long', params: { max: MAX_SECTION } });
		sections[name] = text;
	}
	if (
		sections.totalMinutes &&
		!(/^\d{1,3}$/.test(sections.totalMinutes) && Number(sections.totalMinutes) > 0)
	)
		problems.push({ field: 'totalMinutes', key: 'errors:field.invalid' });
	if (sections.mdm && !(MDM_LEVELS as readonly string[]).includes(sections.mdm))
		problems.push({ field: 'mdm', key: 'errors:field.invalid' });
	const diagnoses = parseDiagnoses(sections.diagnoses);
	if (diagnoses === null) problems.push({ field: 'diagnoses', key: 'notes:problem.diagnoses' });
	else sections.diagnoses = diagnoses.join(', ');
	if (problems.length) throw validationFailed(problems);
	return sections;
}

/**
 * ICD-10-CM codes as written (`E11.9, I10` or `e119 i10`), normalized with the dot after the third
 * character; at most 12 (the 837P HI segment's limit); null when one is not shaped like a code.
 * The shape: a letter (not U, kept for special use), a digit, then one to five characters.
 */
export function parseDiagnoses(text: string): string[] | null {
	const written = text
		.toUpperCase()
		.split(/[\s,;]+/)
		.filter(Boolean);
	const codes = written.map((code) => code.replace('.', ''));
	if (written.length > 12 || codes.some((code) => !/^[A-TV-Z]\d[0-9A-Z]{1,5}$/.test(code))) return null;
	return [...new Set(codes)].map(withDot);
}

/** An ICD-10-CM code with its dot after the third character, as written and in FHIR (the 837P drops it). */
export const withDot = (code: string) => (code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : code);

/** A note's sealed sections, opened over the empty ones (older notes lack newer sections). */
function openSections(phi: ServiceContext['phi'], key: DataKey, id: string, sealed: string): Sections {
	return {
		...EMPTY,
		...(JSON.parse(phi.open(key, 'visit_notes.sections', id, sealed)) as Partial<Sections>)
	};
}

/**
 * The SOAP outline a note starts from, for the visit's type (staff:note.template.<type>.<section>,
 * else the general one), in the clinician's language.
 */
export function noteTemplate(t: TFunction, visitType: string): Partial<Sections> {
	const outline: Partial<Sections> = {};
	for (const section of SOAP_SECTIONS)
		outline[section] = t([
			`staff:note.template.${visitType}.${section}`,
			`staff:note.template.general.${section}`
		]);
	return outline;
}

/**
 * Saves the draft: the whole form each time, or (`only`) just the sections given, as the panel beside
 * a running visit sends them. A signed note is never edited: 409, add an addendum.
 */
export async function saveDraft(
	ctx: ServiceContext,
	appointmentId: string,
	input: Partial<Sections>,
	options: { only?: readonly (typeof SECTIONS)[number][] } = {}
): Promise<void> {
	const appointment = await noteAccess(ctx, appointmentId, 'note.write');
	const given = checkSections(input);
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		const existing = await tx
			.selectFrom('visit_notes')
			.select(['id', 'status', 'data_key_id', 'sections_enc'])
			.where('appointment_id', '=', appointmentId)
			.where('kind', '=', 'note')
			.forUpdate()
			.executeTakeFirst();
		if (existing?.status === 'signed') throw new AppError('NOTE_SIGNED');
		const id = existing?.id ?? randomUUID();
		const key = existing ? await ctx.phi.dataKey(tx, existing.data_key_id) : await ctx.phi.newDataKey(tx);
		let sections = given;
		if (options.only) {
			sections = existing ? openSections(ctx.phi, key, id, existing.sections_enc) : { ...EMPTY };
			for (const name of options.only) sections[name] = given[name];
		}
		const sealed = ctx.phi.seal(key, 'visit_notes.sections', id, JSON.stringify(sections));
		if (existing) {
			await tx
				.updateTable('visit_notes')
				.set({ sections_enc: sealed, updated_at: now, author_id: (ctx.actor as { id: string }).id })
				.where('id', '=', id)
				.execute();
		} else {
			await tx
				.insertInto('visit_notes')
				.values({
					id,
					appointment_id: appointmentId,
					organization_id: appointment.organizationId,
					patient_id: appointment.patientId,
					author_id: (ctx.actor as { id: string }).id,
					kind: 'note',
					status: 'draft',
					data_key_id: key.id,
					sections_enc: sealed,
					created_at: now,
					updated_at: now
				})
				.execute();
		}
		await ctx.audit.record(
			{
				action: 'note.draft',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: appointment.organizationId
			},
			tx
		);
	});
}

/**
 * The sections of the visit's signed note (null while there is none, or only a draft). For the
 * patient's summary and the biller's documented time and MDM; the caller has checked access.
 */
export async function signedSections(
	ctx: Pick<ServiceContext, 'db' | 'phi'>,
	appointmentId: string
): Promise<Sections | null> {
	const note = await ctx.db
		.selectFrom('visit_notes')
		.select(['id', 'data_key_id', 'sections_enc'])
		.where('appointment_id', '=', appointmentId)
		.where('kind', '=', 'note')
		.where('status', '=', 'signed')
		.executeTakeFirst();
	if (!note) return null;
	const key = await ctx.phi.dataKey(ctx.db, note.data_key_id);
	return openSections(ctx.phi, key, note.id, note.sections_enc);
}

/** The plain-language summary the clinician wrote for the patient, once the note is signed (never a draft). */
export async function patientSummary(
	ctx: Pick<ServiceContext, 'db' | 'phi'>,
	appointmentId: string
): Promise<string | null> {
	return (await signedSections(ctx, appointmentId))?.patientSummary || null;
}

/** The telehealth attestation as text, from the recorded facts. */
export function attestationText(t: TFunction, a: Attestation, timeZone: string, lang: string): string {
	const time = (d: Date) =>
		new Intl.DateTimeFormat(lang, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(d);
	const lines = [t('notes:attest.title')];
	lines.push(
		a.segments.length
			? t('notes:attest.modalities', {
					list: a.segments
						.map((s) => `${t(`visit:modality.${s.modality}`)} ${time(s.start)}–${s.end ? time(s.end) : '…'}`)
						.join('; ')
				})
			: t('notes:attest.no_visit')
	);
	if (a.location)
		lines.push(
			t('notes:attest.location', {
				state: t(`scheduling:state.${a.location.state}`),
				setting: t(`notes:setting.${a.location.setting}`)
			})
		);
	lines.push(
		a.consent
			? t('notes:attest.consent', {
					method: t(`notes:consent.${a.consent.method}`),
					at: time(a.consent.givenAt)
				})
			: t('notes:attest.no_consent')
	);
	if (a.participants.length)
		lines.push(
			t('notes:attest.participants', {
				list: a.participants
					.map((p) => {
						const [role, language] = p.split(':');
						return `${t(`notes:participant.${role}`)} (${languageName(language!, lang)})`;
					})
					.join(', ')
			})
		);
	if (a.startedAt && a.endedAt)
		lines.push(
			t('notes:attest.time', { start: time(a.startedAt), end: time(a.endedAt), minutes: a.minutes })
		);
	return lines.join('\n');
}

/**
 * Signs the note: its text (attestation, then the SOAP sections) is fixed, and goes to the EHR as a
 * DocumentReference and an MDM^T02 in the same transaction (ehr/documents.ts). Needs an assessment
 * and a plan. Signing again is a 409.
 */
export async function signNote(
	ctx: ServiceContext,
	appointmentId: string,
	t: TFunction,
	lang: string
): Promise<void> {
	const view = await readNote(ctx, appointmentId);
	if (view.status === 'signed') throw new AppError('NOTE_SIGNED');
	if (view.status === 'none') throw validationFailed([{ field: 'assessment', key: 'errors:field.required' }]);
	// A section still reading as the visit type's outline has not been written.
	const outline = noteTemplate(t, view.appointment.visitTypeCode);
	const missing = (['assessment', 'plan'] as const).filter(
		(s) => !view.sections[s] || view.sections[s] === outline[s]?.trim()
	);
	if (missing.length)
		throw validationFailed(missing.map((field) => ({ field, key: 'errors:field.required' })));
	// Times in the note are the clinic's.
	const { time_zone: timeZone } = await ctx.db
		.selectFrom('organizations')
		.innerJoin('appointments', 'appointments.organization_id', 'organizations.id')
		.select('organizations.time_zone')
		.where('appointments.id', '=', appointmentId)
		.executeTakeFirstOrThrow();
	const text = [
		attestationText(t, view.attestation, timeZone, lang),
		...SOAP_SECTIONS.filter((s) => view.sections[s]).map(
			(s) => `${t(`notes:section.${s}`)}\n${view.sections[s]}`
		),
		...(view.sections.diagnoses ? [t('notes:diagnoses', { codes: view.sections.diagnoses })] : []),
		...(view.sections.totalMinutes ? [t('notes:total_time', { minutes: view.sections.totalMinutes })] : []),
		...(view.sections.mdm ? [t('notes:mdm', { level: t(`notes:mdm_${view.sections.mdm}`) })] : [])
	].join('\n\n');
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		const row = await tx
			.selectFrom('visit_notes')
			.selectAll()
			.where('appointment_id', '=', appointmentId)
			.where('kind', '=', 'note')
			.forUpdate()
			.executeTakeFirstOrThrow();
		if (row.status === 'signed') throw new AppError('NOTE_SIGNED');
		const key = await ctx.phi.dataKey(tx, row.data_key_id);
		const authorId = (ctx.actor as { id: string }).id;
		await tx
			.updateTable('visit_notes')
			.set({
				status: 'signed',
				text_enc: ctx.phi.seal(key, 'visit_notes.text', row.id, text),
				signed_at: now,
				updated_at: now,
				author_id: authorId
			})
			.where('id', '=', row.id)
			.execute();
		await enqueueSignedDocument(
			tx,
			ctx.phi,
			{
				id: row.id,
				organizationId: row.organization_id,
				appointmentId,
				patientId: row.patient_id,
				authorId,
				kind: 'progress-note',
				title: t('notes:title_document'),
				text,
				signedAt: now.toISOString()
			},
			now
		);
		await ctx.audit.record(
			{
				action: 'note.sign',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: row.organization_id
			},
			tx
		);
	});
}

/** An addendum to a signed note: signed at once, sent to the EHR naming the note it adds to. */
export async function addAddendum(
	ctx: ServiceContext,
	appointmentId: string,
	input: string,
	t: TFunction
): Promise<void> {
	await noteAccess(ctx, appointmentId, 'note.addendum');
	const text = input.trim();
	if (!text) throw validationFailed([{ field: 'addendum', key: 'errors:field.required' }]);
	if (text.length > MAX_SECTION)
		throw validationFailed([
			{ field: 'addendum', key: 'errors:field.too_long', params: { max: MAX_SECTION } }
		]);
	const now = ctx.clock.now();
	await ctx.db.transaction().execute(async (tx) => {
		const note = await tx
			.selectFrom('visit_notes')
			.selectAll()
			.where('appointment_id', '=', appointmentId)
			.where('kind', '=', 'note')
			.forUpdate()
			.executeTakeFirst();
		if (note?.status !== 'signed') throw new AppError('NOTE_NOT_SIGNED');
		const id = randomUUID();
		const key = await ctx.phi.newDataKey(tx);
		const authorId = (ctx.actor as { id: string }).id;
		await tx
			.insertInto('visit_notes')
			.values({
				id,
				appointment_id: appointmentId,
				organization_id: note.organization_id,
				patient_id: note.patient_id,
				author_id: authorId,
				kind: 'addendum',
				parent_id: note.id,
				status: 'signed',
				data_key_id: key.id,
				sections_enc: ctx.phi.seal(key, 'visit_notes.sections', id, JSON.stringify(EMPTY)),
				text_enc: ctx.phi.seal(key, 'visit_notes.text', id, text),
				signed_at: now,
				created_at: now,
				updated_at: now
			})
			.execute();
		await enqueueSignedDocument(
			tx,
			ctx.phi,
			{
				id,
				organizationId: note.organization_id,
				appointmentId,
				patientId: note.patient_id,
				authorId,
				kind: 'progress-note',
				title: t('notes:title_addendum'),
				text,
				signedAt: now.toISOString(),
				parentId: note.id
			},
			now
		);
		await ctx.audit.record(
			{
				action: 'note.addendum',
				resourceType: 'appointment',
				resourceId: appointmentId,
				organizationId: note.organization_id
			},
			tx
		);
	});
}
