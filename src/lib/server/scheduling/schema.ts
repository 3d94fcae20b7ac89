import * as v from 'valibot';
import { MODALITIES } from '../platform/schema';
import { uuid } from '../platform/http/validation';
import { CANCEL_REASONS } from './booking';
import { isStateCode } from './states';

// Request shapes shared by the JSON API and the pages (routes parse, services decide).

export const stateCode = v.pipe(
	v.string('errors:field.type_string'),
	v.trim(),
	v.toUpperCase(),
	v.check(isStateCode, 'errors:field.state')
);
export const day = v.pipe(
	v.string('errors:field.type_string'),
	v.regex(/^\d{4}-\d{2}-\d{2}$/, 'errors:field.day'),
	v.check(
		(s) =>
			!Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
		'errors:field.day'
	)
);
export const modality = v.picklist(MODALITIES, 'errors:field.modality');
const instant = v.pipe(v.string('errors:field.type_string'), v.isoTimestamp('errors:field.invalid'));
const visitTypeRef = v.pipe(
	v.string('errors:field.type_string'),
	v.trim(),
	v.minLength(1, 'errors:field.visit_type'),
	v.maxLength(64, 'errors:field.visit_type')
);

export const SlotSearch = v.pipe(
	v.object({
		patientState: stateCode,
		from: day,
		to: day,
		visitType: v.optional(visitTypeRef),
		modality: v.optional(modality),
		language: v.optional(v.pipe(v.string(), v.regex(/^[a-zA-Z-]{2,16}$/, 'errors:field.language'))),
		clinicianId: v.optional(uuid),
		limit: v.optional(
			v.pipe(
				v.string(),
				v.transform(Number),
				v.integer('errors:field.integer'),
				v.minValue(1),
				v.maxValue(5000)
			)
		)
	}),
	v.forward(
		v.check(
			(q) => q.to >= q.from && Date.parse(q.to) - Date.parse(q.from) <= 62 * 86_400_000,
			'errors:field.day_range'
		),
		['to']
	)
);

export const BookingBody = v.strictObject({
	patientId: v.optional(uuid),
	slotId: v.optional(v.pipe(v.string('errors:field.type_string'), v.maxLength(200, 'errors:field.slot'))),
	clinicianId: v.optional(uuid),
	start: v.optional(instant),
	visitType: v.optional(visitTypeRef),
	modality,
	patientState: stateCode
});

export const RescheduleBody = v.strictObject({
	slotId: v.optional(v.pipe(v.string('errors:field.type_string'), v.maxLength(200, 'errors:field.slot'))),
	clinicianId: v.optional(uuid),
	start: v.optional(instant),
	visitType: v.optional(visitTypeRef),
	modality: v.optional(modality),
	patientState: v.optional(stateCode)
});

export const CancelBody = v.strictObject({
	reason: v.optional(v.picklist(CANCEL_REASONS, 'errors:field.invalid'), 'patient_request')
});

export const idempotencyKey = v.pipe(
	v.string('errors:field.idempotency_key'),
	v.regex(/^[A-Za-z0-9_-]{8,128}$/, 'errors:field.idempotency_key')
);
