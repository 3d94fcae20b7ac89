import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PhiCipher } from '../platform/crypto/phi';
import type { Accommodations, Database } from '../platform/schema';

type Executor = Kysely<Database>;

/** A patient as services see it: PHI opened, never as stored. */
export type Patient = {
	id: string;
	organizationId: string;
	givenName: string;
	familyName: string;
	birthDate: string;
	phone: string | null;
	phoneKind: 'mobile' | 'landline' | null;
	email: string | null;
	preferredLanguage: string;
	contactChannel: 'sms' | 'email' | 'voice';
	homeState: string;
	timeZone: string;
	accommodations: Accommodations;
	/** The clinic's medical record number, when the patient has one (how the EHR knows them). */
	mrn: string | null;
};

export type NewPatient = Omit<Patient, 'id' | 'mrn'> & { mrn?: string | null };

export type PatientContact = {
	id: string;
	patientId: string;
	displayName: string;
	relationship: string;
	phone: string | null;
	email: string | null;
	preferredLanguage: string;
	mayJoinVisits: boolean;
};

/** Inserts a patient with its PHI sealed under a new data key; returns the id. */
export async function insertPatient(tx: Executor, phi: PhiCipher, input: NewPatient): Promise<string> {
	const id = randomUUID();
	const key = await phi.newDataKey(tx);
	await tx
		.insertInto('patients')
		.values({
			id,
			organization_id: input.organizationId,
			data_key_id: key.id,
			given_name_enc: phi.seal(key, 'patients.given_name', id, input.givenName),
			family_name_enc: phi.seal(key, 'patients.family_name', id, input.familyName),
			birth_date_enc: phi.seal(key, 'patients.birth_date', id, input.birthDate),
			phone_enc: phi.sealOptional(key, 'patients.phone', id, input.phone),
			phone_hmac: input.phone === null ? null : phi.phoneIndex(input.phone),
			phone_kind: input.phoneKind,
			email_enc: phi.sealOptional(key, 'patients.email', id, input.email),
			email_hmac: input.email === null ? null : phi.emailIndex(input.email),
			accommodations_enc: phi.seal(key, 'patients.accommodations', id, JSON.stringify(input.accommodations)),
			mrn_enc: phi.sealOptional(key, 'patients.mrn', id, input.mrn ?? null),
			preferred_language: input.preferredLanguage,
			contact_channel: input.contactChannel,
			home_state: input.homeState,
			time_zone: input.timeZone
		})
		.execute();
	return id;
}

/** Reads and opens one patient, or undefined. */
export async function readPatient(db: Executor, phi: PhiCipher, id: string): Promise<Patient | undefined> {
	const row = await db.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirst();
	if (!row) return undefined;
	const key = await phi.dataKey(db, row.data_key_id);
	return {
		id: row.id,
		organizationId: row.organization_id,
		givenName: phi.open(key, 'patients.given_name', row.id, row.given_name_enc),
		familyName: phi.open(key, 'patients.family_name', row.id, row.family_name_enc),
		birthDate: phi.open(key, 'patients.birth_date', row.id, row.birth_date_enc),
		phone: phi.openOptional(key, 'patients.phone', row.id, row.phone_enc),
		phoneKind: row.phone_kind,
		email: phi.openOptional(key, 'patients.email', row.id, row.email_enc),
		preferredLanguage: row.preferred_language,
		contactChannel: row.contact_channel,
		homeState: row.home_state,
		timeZone: row.time_zone,
		mrn: phi.openOptional(key, 'patients.mrn', row.id, row.mrn_enc),
		accommodations: JSON.parse(
			phi.open(key, 'patients.accommodations', row.id, row.accommodations_enc)
		) as Accommodations
	};
}

async function findIdsByIndex(
	db: Executor,
	column: 'phone_hmac' | 'email_hmac',
	index: string,
	organizationId: string | null
): Promise<string[]> {
	let query = db.selectFrom('patients').select('id').where(column, '=', index);
	if (organizationId !== null) query = query.where('organization_id', '=', organizationId);
	return (await query.execute()).map((r) => r.id);
}

/** Ids of the patients (of one organization, or of any when null) with this phone number (by blind index). */
export function findPatientIdsByPhone(
	db: Executor,
	phi: PhiCipher,
	organizationId: string | null,
	phone: string
): Promise<string[]> {
	return findIdsByIndex(db, 'phone_hmac', phi.phoneIndex(phone), organizationId);
}

/** Ids of the patients (of one organization, or of any when null) with this email address (by blind index). */
export function findPatientIdsByEmail(
	db: Executor,
	phi: PhiCipher,
	organizationId: string | null,
	email: string
): Promise<string[]> {
	return findIdsByIndex(db, 'email_hmac', phi.emailIndex(email), organizationId);
}

export async function insertContact(
	tx: Executor,
	phi: PhiCipher,
	input: Omit<PatientContact, 'id'>
): Promise<string> {
	const id = randomUUID();
	const key = await phi.newDataKey(tx);
	await tx
		.insertInto('patient_contacts')
		.values({
			id,
			patient_id: input.patientId,
			data_key_id: key.id,
			display_name_enc: phi.seal(key, 'patient_contacts.display_name', id, input.displayName),
			relationship: input.relationship,
			phone_enc: phi.sealOptional(key, 'patient_contacts.phone', id, input.phone),
			email_enc: phi.sealOptional(key, 'patient_contacts.email', id, input.email),
			preferred_language: input.preferredLanguage,
			may_join_visits: input.mayJoinVisits
		})
		.execute();
	return id;
}

export async function listContacts(
	db: Executor,
	phi: PhiCipher,
	patientId: string
): Promise<PatientContact[]> {
	const rows = await db
		.selectFrom('patient_contacts')
		.selectAll()
		.where('patient_id', '=', patientId)
		.execute();
	const contacts: PatientContact[] = [];
	for (const row of rows) {
		const key = await phi.dataKey(db, row.data_key_id);
		contacts.push({
			id: row.id,
			patientId: row.patient_id,
			displayName: phi.open(key, 'patient_contacts.display_name', row.id, row.display_name_enc),
			relationship: row.relationship,
			phone: phi.openOptional(key, 'patient_contacts.phone', row.id, row.phone_enc),
			email: phi.openOptional(key, 'patient_contacts.email', row.id, row.email_enc),
			preferredLanguage: row.preferred_language,
			mayJoinVisits: row.may_join_visits
		});
	}
	return contacts;
}

/** Records the clinic's medical record number for a patient (sealed under the patient's data key). */
export async function setPatientMrn(tx: Executor, phi: PhiCipher, id: string, mrn: string): Promise<void> {
	const row = await tx
		.selectFrom('patients')
		.select('data_key_id')
		.where('id', '=', id)
		.executeTakeFirstOrThrow();
	const key = await phi.dataKey(tx, row.data_key_id);
	await tx
		.updateTable('patients')
		.set({ mrn_enc: phi.seal(key, 'patients.mrn', id, mrn) })
		.where('id', '=', id)
		.execute();
}
