import type { TFunction } from 'i18next';
import type { Appointment } from './repository';
import type { Slot } from './slots';
import type { VisitType } from './visit-types';

// How scheduling records look in the JSON API: ISO instants, ids, and localized names.

export const visitTypeView = (v: VisitType, t: TFunction) => ({
	id: v.id,
	code: v.code,
	name: t(`scheduling:visit_type.${v.code}`),
	service: v.service,
	durationMinutes: v.durationMinutes,
	bufferMinutes: v.bufferMinutes,
	modalities: v.modalities
});

export const slotView = (s: Slot) => ({
	id: s.id,
	clinicianId: s.clinicianId,
	clinicianName: s.clinicianName,
	start: s.start.toISOString(),
	end: s.end.toISOString(),
	visitType: s.visitType.id,
	visitTypeCode: s.visitType.code,
	modalities: s.modalities,
	languages: s.languages
});

export const appointmentView = (a: Appointment) => ({
	id: a.id,
	patientId: a.patientId,
	clinicianId: a.clinicianId,
	clinicianName: a.clinicianName,
	visitType: a.visitTypeId,
	visitTypeCode: a.visitTypeCode,
	modality: a.modality,
	patientState: a.patientState,
	start: a.start.toISOString(),
	end: a.end.toISOString(),
	status: a.status,
	confirmedAt: a.confirmedAt?.toISOString() ?? null,
	cancelledAt: a.cancelledAt?.toISOString() ?? null,
	cancelReason: a.cancelReason,
	createdAt: a.createdAt.toISOString()
});
