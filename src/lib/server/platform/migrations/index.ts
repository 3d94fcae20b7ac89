import type { Migration } from 'kysely/migration';
import * as foundation from './0001_foundation';
import * as auditLog from './0002_audit_log';
import * as identity from './0003_identity';
import * as patientSignIn from './0004_patient_sign_in';
import * as staffEnrolment from './0005_staff_enrolment';
import * as scheduling from './0006_scheduling';
import * as appointmentMessages from './0007_appointment_messages';
import * as deliveryAndLicences from './0008_delivery_and_licences';
import * as reminderOffsets from './0009_reminder_offsets';
import * as ehrSync from './0010_ehr_sync';
import * as ehrInbound from './0011_ehr_inbound';
import * as outboxOrder from './0012_outbox_order';
import * as previsit from './0013_previsit';
import * as intake from './0014_intake';
import * as eligibility from './0015_eligibility';
import * as readiness from './0016_readiness';
import * as visits from './0017_visits';
import * as ivr from './0018_ivr';
import * as phoneLegs from './0019_phone_legs';
import * as visitNotes from './0020_visit_notes';
import * as claims from './0021_claims';
import * as claimSubmissions from './0022_claim_submissions';

/**
 * Every migration, in order. Listed statically (not read from disk) so that the server bundle,
 * the CLI bundle and the tests all carry the same set.
 */
export const migrations: Record<string, Migration> = {
	'0001_foundation': foundation,
	'0002_audit_log': auditLog,
	'0003_identity': identity,
	'0004_patient_sign_in': patientSignIn,
	'0005_staff_enrolment': staffEnrolment,
	'0006_scheduling': scheduling,
	'0007_appointment_messages': appointmentMessages,
	'0008_delivery_and_licences': deliveryAndLicences,
	'0009_reminder_offsets': reminderOffsets,
	'0010_ehr_sync': ehrSync,
	'0011_ehr_inbound': ehrInbound,
	'0012_outbox_order': outboxOrder,
	'0013_previsit': previsit,
	'0014_intake': intake,
	'0015_eligibility': eligibility,
	'0016_readiness': readiness,
	'0017_visits': visits,
	'0018_ivr': ivr,
	'0019_phone_legs': phoneLegs,
	'0020_visit_notes': visitNotes,
	'0021_claims': claims,
	'0022_claim_submissions': claimSubmissions
};
