import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A calendar day as 'YYYY-MM-DD' (see db.ts). */
type Day = string;

export type StaffRole = 'admin' | 'clinician' | 'nurse' | 'scheduler' | 'biller';
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'clinician', 'nurse', 'scheduler', 'biller'];

export type LicensePathway = 'state' | 'imlc' | 'nlc' | 'psypact' | 'registration';
export type LicenseStatus = 'active' | 'inactive' | 'expired' | 'suspended' | 'revoked';

export type Accommodations = {
	interpreterLanguage?: string;
	aslInterpreter?: boolean;
	captions?: boolean;
	chatPreferred?: boolean;
	caregiverJoins?: boolean;
	largeText?: boolean;
};

export type OutboxChannel = 'sms' | 'email' | 'voice' | 'fhir' | 'hl7v2' | 'claims';
export type OutboxStatus = 'pending' | 'delivering' | 'delivered' | 'dead';

export interface OrganizationsTable {
	id: Generated<string>;
	name: string;
	time_zone: string;
	/** Minutes before a visit at which reminders go out (default 72 h, 24 h, 1 h). */
	reminder_offsets_minutes: ColumnType<number[], number[] | undefined, number[]>;
	/** How long before a visit its check-in opens (default 24 h). */
	check_in_opens_minutes: ColumnType<number, number | undefined, number>;
	/** The clinic as billing provider on its claims (837P loop 2010AA); null until configured. */
	billing_npi: ColumnType<string | null, string | null | undefined, string | null>;
	tax_id: ColumnType<string | null, string | null | undefined, string | null>;
	billing_address: ColumnType<PostalAddress | null, string | null | undefined, string | null>;
	billing_phone: ColumnType<string | null, string | null | undefined, string | null>;
	created_at: CreatedAt;
}

export type PostalAddress = { line: string; city: string; state: string; zip: string };

export interface StaffTable {
	id: Generated<string>;
	organization_id: string;
	email: string;
	display_name: string;
	roles: StaffRole[];
	credential: string | null;
	npi: string | null;
	languages: ColumnType<string[], string[] | undefined, string[]>;
	preferred_language: ColumnType<string, string | undefined, string>;
	time_zone: string;
	active: ColumnType<boolean, boolean | undefined, boolean>;
	created_at: CreatedAt;
}

export interface LicensesTable {
	id: Generated<string>;
	staff_id: string;
	state: string;
	credential: string;
	number: string;
	status: LicenseStatus;
	pathway: LicensePathway;
	issued_on: Day;
	expires_on: Day;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface EhrLinksTable {
	local_type: 'patient' | 'staff' | 'appointment';
	local_id: string;
	ehr_type: string;
	ehr_id: string;
	version_id: string | null;
	synced_at: Date;
	/** The appointment's status and times as last written to or accepted from the EHR. */
	synced_state: string | null;
}

export type LocationSetting = 'home' | 'facility';
export type ConsentKind = 'telehealth' | 'recording';
export type ConsentMethod = 'electronic' | 'verbal_clinician' | 'verbal_ivr';

export interface CheckInsTable {
	appointment_id: string;
	patient_id: string;
	data_key_id: string;
	location_state: string;
	location_setting: LocationSetting;
	callback_phone_enc: string;
	language: string;
	accommodations_enc: string;
	licensure_allowed: boolean;
	licensure_reason: string | null;
	submitted_at: Date;
	updated_at: Date;
}

export interface ConsentTemplatesTable {
	id: Generated<string>;
	organization_id: string;
	kind: ConsentKind;
	language: string;
	state: string | null;
	version: number;
	title: string;
	body: string;
	content_hash: string;
	effective_from: Date;
	created_at: CreatedAt;
}

export interface ConsentsTable {
	id: Generated<string>;
	organization_id: string;
	patient_id: string;
	appointment_id: string | null;
	template_id: string;
	kind: ConsentKind;
	method: ConsentMethod;
	data_key_id: string;
	signer_name_enc: string;
	given_at: Date;
	expires_at: Date;
	ip: string | null;
	user_agent: string | null;
	attested_by: string | null;
	revoked_at: Date | null;
	/** The phone call a verbal consent was given on (IVR). */
	call_sid: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IntakeResponsesTable {
	id: string;
	organization_id: string;
	appointment_id: string;
	patient_id: string;
	questionnaire: string;
	submission_id: string;
	data_key_id: string;
	answers_enc: string;
	score: number | null;
	severity: string | null;
	self_harm_alert: boolean;
	submitted_at: Date;
}

export interface CoveragesTable {
	patient_id: string;
	organization_id: string;
	payer_id: string;
	data_key_id: string;
	member_id_enc: string;
	group_number_enc: string | null;
	updated_at: Date;
	updated_by: string | null;
}

export interface EligibilityChecksTable {
	id: string;
	organization_id: string;
	patient_id: string;
	appointment_id: string | null;
	payer_id: string;
	date_of_service: Day;
	outcome: 'active' | 'inactive' | 'not_found' | 'unreadable';
	telehealth: 'covered' | 'not_covered' | 'unknown';
	copay_cents: number | null;
	reason: string | null;
	data_key_id: string;
	answer_enc: string;
	checked_at: Date;
	checked_by: string | null;
}

export interface ReadinessChecksTable {
	appointment_id: string;
	browser_supported: boolean;
	camera: 'ok' | 'missing' | 'denied';
	microphone: 'ok' | 'missing' | 'denied';
	speaker_heard: boolean | null;
	downlink_kbps: number;
	rtt_ms: number;
	recommendation: 'video' | 'audio' | 'phone';
	accepted: 'video' | 'audio' | 'phone' | null;
	visit_code: string;
	checked_at: Date;
}

export type VisitStatus = 'waiting' | 'in_progress' | 'ended';
export type VisitModality = 'video' | 'audio' | 'phone';
export type GuestRole = 'interpreter' | 'caregiver' | 'clinician';
export type GuestStatus = 'invited' | 'waiting' | 'admitted' | 'declined' | 'removed';

export interface VisitsTable {
	appointment_id: string;
	organization_id: string;
	status: VisitStatus;
	waiting_since: Date;
	started_at: Date | null;
	started_by: string | null;
	ended_at: Date | null;
	ended_by_kind: string | null;
	ended_by_id: string | null;
	recording: ColumnType<boolean, boolean | undefined, boolean>;
	captions: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface VisitSegmentsTable {
	id: string;
	appointment_id: string;
	modality: VisitModality;
	started_at: Date;
	ended_at: Date | null;
	started_by_kind: 'staff' | 'patient' | 'system';
	started_by_id: string | null;
	reason: string;
}

export interface VisitGuestsTable {
	id: string;
	appointment_id: string;
	role: GuestRole;
	name_enc: string;
	contact_enc: string;
	channel: 'sms' | 'email';
	language: string;
	data_key_id: string;
	link_hash: string;
	session_hash: string | null;
	status: GuestStatus;
	invited_by_kind: string;
	invited_by_id: string;
	invited_at: Date;
	admitted_at: Date | null;
}

export interface VisitChatMessagesTable {
	id: string;
	seq: Generated<string>;
	appointment_id: string;
	sender_kind: 'staff' | 'patient' | 'guest';
	sender_id: string;
	body_enc: string;
	data_key_id: string;
	sent_at: Date;
}

export interface VisitConnectionsTable {
	id: string;
	appointment_id: string;
	participant: string;
	opened_at: Date;
	seen_at: Date;
	closed_at: Date | null;
	closed_reason: string | null;
}

export interface VisitEventsTable {
	id: Generated<string>;
	appointment_id: string;
	type: string;
	recipient: string | null;
	payload: ColumnType<unknown, string, string>;
	created_at: Date;
}

export interface IvrCallsTable {
	call_sid: string;
	state: ColumnType<unknown, string, string>;
	last_request: string | null;
	last_answer: string | null;
	started_at: Date;
	updated_at: Date;
}

export type PhoneLegRole = 'patient' | 'clinician' | 'interpreter';
export type PhoneLegStatus = 'dialing' | 'ringing' | 'answered' | 'ended' | 'failed';

export interface VisitPhoneLegsTable {
	id: string;
	appointment_id: string;
	role: PhoneLegRole;
	language: string;
	call_sid: string | null;
	status: PhoneLegStatus;
	outcome: string | null;
	reason: string;
	requested_by_kind: 'staff' | 'patient';
	requested_by_id: string;
	on_line: Generated<boolean>;
	muted: Generated<boolean>;
	created_at: Date;
	answered_at: Date | null;
	ended_at: Date | null;
}

export interface VisitNotesTable {
	id: string;
	appointment_id: string;
	organization_id: string;
	patient_id: string;
	author_id: string;
	kind: 'note' | 'addendum';
	parent_id: string | null;
	status: 'draft' | 'signed';
	data_key_id: string;
	sections_enc: string;
	text_enc: string | null;
	signed_at: Date | null;
	created_at: Date;
	updated_at: Date;
}

export interface ClaimsTable {
	id: string;
	appointment_id: string;
	organization_id: string;
	status: 'approved' | 'submitted';
	service_code: string;
	modifiers: ColumnType<string[], string, string>;
	pos: string;
	suggested: ColumnType<unknown, string | null, string | null>;
	data_key_id: string;
	override_reason_enc: string | null;
	approved_by: string;
	approved_at: Date;
	/** ICD-10-CM codes without the dot, principal first. */
	diagnoses: ColumnType<string[], string | undefined, string>;
	/** CLM01: the claim's number, echoed back on the remittance. */
	claim_number: string | null;
	submitted_at: Date | null;
}

export interface ClaimSubmissionsTable {
	claim_id: string;
	organization_id: string;
	/** ISA13 of the interchange sent; a retry sends the same one. */
	interchange: number;
	data_key_id: string;
	x12_enc: string;
	fhir_enc: string;
	created_at: Date;
	/** The clearinghouse's receipt (its id for the batch), once it took the claim. */
	receipt: string | null;
}

export interface EhrSyncCursorsTable {
	name: string;
	read_until: Date;
}

export interface EhrConflictsTable {
	id: Generated<string>;
	organization_id: string;
	appointment_id: string;
	ehr_id: string;
	ehr_version: string | null;
	ehr_status: string;
	ehr_start: Date | null;
	ehr_end: Date | null;
	detected_at: Date;
	resolved_at: Date | null;
	resolved_by: string | null;
	resolution: 'kept_anyvisit' | 'took_ehr' | null;
}

export interface LicenseExpiryNoticesTable {
	license_id: string;
	threshold_days: number;
	expires_on: Day;
	sent_at: Date;
}

export interface DataKeysTable {
	id: Generated<string>;
	kek_id: string;
	wrapped_key: string;
	created_at: CreatedAt;
}

/** PHI columns end in _enc (sealed, see platform/crypto) or _hmac (blind index). */
export interface PatientsTable {
	id: ColumnType<string, string | undefined, never>;
	organization_id: string;
	data_key_id: string;
	given_name_enc: string;
	family_name_enc: string;
	birth_date_enc: string;
	phone_enc: string | null;
	phone_hmac: string | null;
	phone_kind: 'mobile' | 'landline' | null;
	email_enc: string | null;
	email_hmac: string | null;
	accommodations_enc: string;
	preferred_language: string;
	contact_channel: 'sms' | 'email' | 'voice';
	home_state: string;
	time_zone: string;
	created_at: CreatedAt;
	mrn_enc: string | null;
}

export interface PatientContactsTable {
	id: ColumnType<string, string | undefined, never>;
	patient_id: string;
	data_key_id: string;
	display_name_enc: string;
	relationship: string;
	phone_enc: string | null;
	email_enc: string | null;
	preferred_language: string;
	may_join_visits: boolean;
	created_at: CreatedAt;
}

export interface OutboxTable {
	id: ColumnType<string, string, never>;
	idempotency_key: string;
	channel: OutboxChannel;
	organization_id: string | null;
	data_key_id: string;
	payload_enc: string;
	status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
	attempts: ColumnType<number, number | undefined, number>;
	max_attempts: number;
	next_attempt_at: Timestamp;
	locked_until: Timestamp | null;
	last_error: string | null;
	retry_note: string | null;
	created_at: Timestamp;
	updated_at: Timestamp;
	delivered_at: Timestamp | null;
	/** Messages sharing a key are delivered in `seq` order (see migration 0012). */
	order_key: string | null;
	seq: ColumnType<string, never, never>;
}

export interface DevOutboxMessagesTable {
	id: ColumnType<string, string, never>;
	outbox_id: string;
	channel: OutboxChannel;
	data_key_id: string;
	recipient_enc: string;
	subject_enc: string | null;
	body_enc: string;
	language: string | null;
	created_at: Timestamp;
}

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditLogTable {
	seq: ColumnType<string, number, never>;
	occurred_at: ColumnType<Date, Date, never>;
	actor_kind: string;
	actor_id: string | null;
	organization_id: string | null;
	action: string;
	resource_type: string;
	resource_id: string | null;
	outcome: AuditOutcome;
	ip: string | null;
	user_agent: string | null;
	purpose: string | null;
	request_id: string | null;
	details: string;
	prev_hash: string;
	hash: string;
}

export interface AuditHeadTable {
	singleton: ColumnType<boolean, boolean | undefined, never>;
	seq: ColumnType<string, number, number>;
	hash: string;
}

export interface StaffCredentialsTable {
	staff_id: string;
	password_hash: string;
	data_key_id: string;
	totp_key_enc: string | null;
	totp_enrolled_at: Date | null;
	totp_last_step: ColumnType<string, number | undefined, number>;
	updated_at: Date;
}

export type SessionSubject = 'staff' | 'patient';

export interface SessionsTable {
	id: string;
	secret_hash: string;
	subject_kind: SessionSubject;
	staff_id: string | null;
	patient_id: string | null;
	organization_id: string;
	created_at: Date;
	last_active_at: Date;
	expires_at: Date;
	idle_timeout_seconds: number;
	held_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface StaffInvitationsTable {
	id: string;
	staff_id: string;
	token_hash: string;
	data_key_id: string;
	totp_key_enc: string;
	invited_by: string | null;
	created_at: Date;
	expires_at: Date;
	accepted_at: Date | null;
	revoked_at: Date | null;
}

export interface StaffRecoveryCodesTable {
	id: Generated<string>;
	staff_id: string;
	code_hash: string;
	created_at: Date;
	used_at: Date | null;
}

export interface SignInFailuresTable {
	id: Generated<string>;
	limit_key: string;
	at: Date;
}

export interface SignInChallengesTable {
	id: string;
	patient_id: string | null;
	code_hash: string;
	expires_at: Date;
	used_at: Date | null;
	attempts: ColumnType<number, number | undefined, number>;
	created_at: Date;
}

export type Modality = 'video' | 'audio' | 'phone' | 'in_person';
export const MODALITIES: readonly Modality[] = ['video', 'audio', 'phone', 'in_person'];
export type VisitService = 'medical' | 'behavioral' | 'nursing';
export type AppointmentStatus = 'booked' | 'confirmed' | 'cancelled' | 'completed' | 'no_show';

export interface VisitTypesTable {
	id: Generated<string>;
	organization_id: string;
	code: string;
	service: VisitService;
	duration_minutes: number;
	buffer_minutes: ColumnType<number, number | undefined, number>;
	modalities: Modality[];
	active: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ClinicianVisitTypesTable {
	staff_id: string;
	visit_type_id: string;
}

export interface AvailabilityTemplatesTable {
	id: Generated<string>;
	staff_id: string;
	weekday: number;
	/** 'HH:MM:SS', wall-clock time in the clinician's time zone. */
	start_time: string;
	end_time: string;
	modalities: Modality[];
	valid_from: Day;
	valid_until: Day | null;
}

export interface AvailabilityExceptionsTable {
	id: Generated<string>;
	staff_id: string;
	starts_at: Date;
	ends_at: Date;
	kind: 'unavailable' | 'available';
	modalities: Modality[] | null;
	reason: string | null;
}

export interface AppointmentsTable {
	id: string;
	organization_id: string;
	patient_id: string;
	clinician_id: string;
	visit_type_id: string;
	modality: Modality;
	patient_state: string;
	starts_at: Date;
	ends_at: Date;
	blocked_until: Date;
	status: AppointmentStatus;
	booked_by_kind: string;
	booked_by_id: string | null;
	confirmed_at: Date | null;
	cancelled_at: Date | null;
	cancel_reason: string | null;
	reschedule_count: ColumnType<number, number | undefined, number>;
	created_at: Date;
	updated_at: Date;
}

export interface BookingIdempotencyTable {
	scope: string;
	key: string;
	request_hash: string;
	appointment_id: string;
	created_at: Date;
}

export interface CompactMembershipsTable {
	compact: 'nlc' | 'psypact';
	state: string;
	effective_from: Day;
	effective_until: Day | null;
	as_of: Day;
}

export type MessageChannel = 'sms' | 'email' | 'voice';
export type AppointmentMessageKind = 'booked' | 'rescheduled' | 'cancelled' | 'reminder';
export type AppointmentMessageStatus =
	'scheduled' | 'queued' | 'sent' | 'delivered' | 'failed' | 'cancelled' | 'skipped';

export interface AppointmentMessagesTable {
	id: string;
	appointment_id: string;
	patient_id: string;
	organization_id: string;
	channel: MessageChannel;
	kind: AppointmentMessageKind;
	offset_minutes: number | null;
	send_at: Date;
	status: AppointmentMessageStatus;
	skip_reason: string | null;
	outbox_id: string | null;
	provider_id: string | null;
	provider_status: string | null;
	provider_error: string | null;
	created_at: Date;
	updated_at: Date;
}

export interface SmsOptOutsTable {
	phone_hmac: string;
	opted_out: boolean;
	keyword: string;
	updated_at: Date;
}

export interface InboundSmsTable {
	id: string;
	message_sid: string;
	from_hmac: string;
	patient_id: string | null;
	keyword: string;
	appointment_id: string | null;
	received_at: Date;
}

export interface Database {
	appointment_messages: AppointmentMessagesTable;
	sms_opt_outs: SmsOptOutsTable;
	inbound_sms: InboundSmsTable;
	visit_types: VisitTypesTable;
	clinician_visit_types: ClinicianVisitTypesTable;
	availability_templates: AvailabilityTemplatesTable;
	availability_exceptions: AvailabilityExceptionsTable;
	appointments: AppointmentsTable;
	booking_idempotency: BookingIdempotencyTable;
	compact_memberships: CompactMembershipsTable;
	sign_in_challenges: SignInChallengesTable;
	staff_credentials: StaffCredentialsTable;
	staff_invitations: StaffInvitationsTable;
	staff_recovery_codes: StaffRecoveryCodesTable;
	sessions: SessionsTable;
	sign_in_failures: SignInFailuresTable;
	audit_log: AuditLogTable;
	audit_head: AuditHeadTable;
	organizations: OrganizationsTable;
	staff: StaffTable;
	licenses: LicensesTable;
	ehr_links: EhrLinksTable;
	check_ins: CheckInsTable;
	readiness_checks: ReadinessChecksTable;
	visits: VisitsTable;
	visit_segments: VisitSegmentsTable;
	visit_guests: VisitGuestsTable;
	visit_chat_messages: VisitChatMessagesTable;
	visit_connections: VisitConnectionsTable;
	visit_events: VisitEventsTable;
	ivr_calls: IvrCallsTable;
	visit_phone_legs: VisitPhoneLegsTable;
	visit_notes: VisitNotesTable;
	claims: ClaimsTable;
	claim_submissions: ClaimSubmissionsTable;
	coverages: CoveragesTable;
	eligibility_checks: EligibilityChecksTable;
	intake_responses: IntakeResponsesTable;
	consent_templates: ConsentTemplatesTable;
	consents: ConsentsTable;
	ehr_sync_cursors: EhrSyncCursorsTable;
	ehr_conflicts: EhrConflictsTable;
	license_expiry_notices: LicenseExpiryNoticesTable;
	data_keys: DataKeysTable;
	patients: PatientsTable;
	patient_contacts: PatientContactsTable;
	outbox: OutboxTable;
	dev_outbox_messages: DevOutboxMessagesTable;
}

export type OutboxRow = Selectable<OutboxTable>;
