import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { seedStandardTemplates } from '../previsit/templates';
import { seedDemoCoverages } from '../eligibility/demo';
import { hashPassword } from '../identity/password';
import { writeCredentials } from '../identity/repository';
import { insertContact, insertPatient } from '../patients/repository';
import { createAuditor } from '../platform/audit/audit';
import type { PhiCipher } from '../platform/crypto/phi';
import type { Db } from '../platform/db';
import {
	DEMO_ORGANIZATION,
	DEMO_PASSWORD,
	DEMO_PATIENTS,
	DEMO_STAFF,
	DEMO_TOTP_SECRET,
	DEMO_VISIT_TYPES
} from './people';

// The demo data itself lives in people.ts (pure data, also read by the sandbox EHR).
export { DEMO_ORGANIZATION, DEMO_PASSWORD, DEMO_PATIENTS, DEMO_STAFF, DEMO_TOTP_SECRET, DEMO_VISIT_TYPES };

/** Ten years from `from`, as a calendar day. */
function inTenYears(from: Date): string {
	const d = new Date(from);
	d.setUTCFullYear(d.getUTCFullYear() + 10);
	return d.toISOString().slice(0, 10);
}

/** True when the database holds no organization yet (a fresh install). */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
	const row = await db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
	return !row;
}

/** Writes the demo organization, staff, licences and patients in one transaction; skips if present. */
export async function seedDemoData(
	db: Db,
	phi: PhiCipher,
	now: Date
): Promise<{ seeded: boolean; staff: number; patients: number }> {
	return db.transaction().execute(async (tx) => {
		const existing = await tx
			.selectFrom('organizations')
			.select('id')
			.where('name', '=', DEMO_ORGANIZATION.name)
			.executeTakeFirst();
		if (existing) return { seeded: false, staff: 0, patients: 0 };
		const audit = createAuditor({
			db: tx,
			actor: { kind: 'system' },
			origin: { ip: null, userAgent: null, requestId: null },
			now: () => now
		});
		const org = await tx
			.insertInto('organizations')
			.values({
				name: DEMO_ORGANIZATION.name,
				time_zone: DEMO_ORGANIZATION.timeZone,
				...demoBilling()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const visitTypeIds = new Map<string, string>();
		for (const vt of DEMO_VISIT_TYPES) {
			const row = await tx
				.insertInto('visit_types')
				.values({
					organization_id: org.id,
					code: vt.code,
					service: vt.service,
					duration_minutes: vt.durationMinutes,
					buffer_minutes: vt.bufferMinutes,
					modalities: vt.modalities
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			visitTypeIds.set(vt.code, row.id);
		}
		// One Argon2id hash for every demo account: they share the demo password by contract.
		const passwordHash = await hashPassword(DEMO_PASSWORD);
		const totpKey = decodeBase32IgnorePadding(DEMO_TOTP_SECRET);
		for (const person of DEMO_STAFF) {
			const staff = await tx
				.insertInto('staff')
				.values({
					organization_id: org.id,
					email: person.email,
					display_name: person.displayName,
					roles: person.roles,
					credential: person.credential ?? null,
					npi: person.npi ?? null,
					languages: person.languages,
					time_zone: person.timeZone
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			await writeCredentials(tx, phi, staff.id, { passwordHash, totpKey, now });
			for (const code of person.offers ?? []) {
				await tx
					.insertInto('clinician_visit_types')
					.values({ staff_id: staff.id, visit_type_id: visitTypeIds.get(code)! })
					.execute();
			}
			for (const block of person.hours ?? []) {
				for (const weekday of block.weekdays) {
					await tx
						.insertInto('availability_templates')
						.values({
							staff_id: staff.id,
							weekday,
							start_time: block.from,
							end_time: block.until,
							modalities: block.modalities,
							valid_from: now.toISOString().slice(0, 10)
						})
						.execute();
				}
			}
			for (const licence of person.licenses ?? []) {
				await tx
					.insertInto('licenses')
					.values({
						staff_id: staff.id,
						state: licence.state,
						credential: licence.credential,
						number: licence.number,
						status: 'active',
						pathway: licence.pathway,
						issued_on: '2022-01-03',
						expires_on:
							licence.expiresInDays === undefined
								? inTenYears(now)
								: new Date(now.getTime() + licence.expiresInDays * 86_400_000).toISOString().slice(0, 10)
					})
					.execute();
			}
		}
		for (const { caregiver, ...patient } of DEMO_PATIENTS) {
			const patientId = await insertPatient(tx, phi, { ...patient, organizationId: org.id });
			await audit.record(
				{ action: 'create', resourceType: 'patient', resourceId: patientId, purpose: 'demo data' },
				tx
			);
			if (caregiver) {
				await insertContact(tx, phi, {
					patientId,
					displayName: caregiver.displayName,
					relationship: caregiver.relationship,
					phone: caregiver.phone,
					email: null,
					preferredLanguage: caregiver.language,
					mayJoinVisits: true
				});
			}
		}
		await seedStandardTemplates(tx, org.id, now);
		await seedDemoCoverages(tx, phi, org.id, now);
		return { seeded: true, staff: DEMO_STAFF.length, patients: DEMO_PATIENTS.length };
	});
}

/** The demo clinic's billing identity (claims' loop 2010AA), as the organization's columns. */
export function demoBilling() {
	const { npi, taxId, address, phone } = DEMO_ORGANIZATION.billing;
	return { billing_npi: npi, tax_id: taxId, billing_address: JSON.stringify(address), billing_phone: phone };
}
