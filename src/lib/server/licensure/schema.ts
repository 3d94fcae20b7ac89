import * as v from 'valibot';
import { uuid } from '../platform/http/validation';

const text = (max: number) =>
	v.pipe(v.string('errors:field.type_string'), v.trim(), v.maxLength(max, 'errors:field.too_long'));

/** A licence as a form or JSON body gives it; the service checks each value (licenceProblems). */
export const LicenceBody = v.object({
	clinicianId: uuid,
	state: v.pipe(text(2), v.toUpperCase()),
	credential: text(10),
	number: text(40),
	status: v.optional(text(12), 'active'),
	pathway: v.optional(text(12), 'state'),
	issuedOn: text(10),
	expiresOn: text(10)
});

/** Under adapter-node's 512 KB body limit; room for thousands of rows. */
export const CSV_MAX_BYTES = 400 * 1024;
