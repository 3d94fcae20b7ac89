import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import type { Modality, VisitService } from '../platform/schema';
import { readCompactMemberships, readLicences } from './repository';
import { mayPractise, type PracticeAnswer, type PracticeRefusal } from './rules';

/** The licensure gate as an error: 422 LICENSURE with the reason, in the caller's language. */
export function licensureError(reason: PracticeRefusal): AppError {
	return new AppError('LICENSURE', { reason }, [
		{ field: 'patientState', key: `errors:licensure.${reason}` }
	]);
}

/**
 * "May this clinician see a patient located in `state` on `date`, for this service?" with the reason.
 * Staff of the clinician's organization may ask.
 */
export async function checkPractice(
	ctx: ServiceContext,
	input: { clinicianId: string; state: string; date: string; modality: Modality; service: VisitService }
): Promise<PracticeAnswer> {
	const licences = await readLicences(ctx.db, [input.clinicianId]);
	const memberships = await readCompactMemberships(ctx.db);
	return mayPractise(licences.get(input.clinicianId) ?? [], input, memberships);
}
