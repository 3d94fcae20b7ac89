import type { Kysely } from 'kysely';
import { DEMO_COVERAGES } from '../demo/people';
import { readPatient } from '../patients/repository';
import type { PhiCipher } from '../platform/crypto/phi';
import type { Database } from '../platform/schema';

/** Gives the demo patients their demo insurance, once (a clinic with any coverage is left alone). */
export async function seedDemoCoverages(
	db: Kysely<Database>,
	phi: PhiCipher,
	organizationId: string,
	now: Date
) {
	const any = await db
		.selectFrom('coverages')
		.select('patient_id')
		.where('organization_id', '=', organizationId)
		.executeTakeFirst();
	if (any) return 0;
	let added = 0;
	for (const { id } of await db
		.selectFrom('patients')
		.select('id')
		.where('organization_id', '=', organizationId)
		.execute()) {
		const patient = await readPatient(db, phi, id);
		const coverage = patient?.mrn ? DEMO_COVERAGES[patient.mrn] : undefined;
		if (!coverage) continue;
		const key = await phi.newDataKey(db);
		await db
			.insertInto('coverages')
			.values({
				patient_id: id,
				organization_id: organizationId,
				payer_id: coverage.payerId,
				data_key_id: key.id,
				member_id_enc: phi.seal(key, 'coverages.member_id', id, coverage.memberId),
				group_number_enc: phi.sealOptional(key, 'coverages.group_number', id, coverage.groupNumber ?? null),
				updated_at: now,
				updated_by: null
			})
			.execute();
		added++;
	}
	return added;
}
