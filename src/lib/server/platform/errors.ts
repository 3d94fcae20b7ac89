import type { TFunction } from 'i18next';

/**
 * The one error vocabulary. A service throws an AppError with a code; `toProblem` maps it to an
 * HTTP status and a localized message. Later domains add their codes here (LICENSURE, SLOT_TAKEN,
 * CONSENT_REQUIRED, ...), each with a key in locales/<lng>/errors.json.
 */
export const ERROR_STATUS = {
	BAD_REQUEST: 400,
	MALFORMED_JSON: 400,
	/** A request whose fields are missing, unknown or invalid, where the contract promises 400. */
	INVALID_REQUEST: 400,
	/** Facts the billing engine will not judge (an unknown code, a payer with no policy, a broken timeline). */
	BILLING_UNJUDGEABLE: 422,
	VALIDATION: 422,
	UNSUPPORTED_MEDIA_TYPE: 415,
	PAYLOAD_TOO_LARGE: 413,
	UNAUTHORIZED: 401,
	/** One answer for every failed sign-in, whatever failed (no account enumeration). */
	AUTH_FAILED: 401,
	/** A one-time code that is wrong, used, expired or tried too often: one answer for all. */
	OTP_INVALID: 401,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	METHOD_NOT_ALLOWED: 405,
	CONFLICT: 409,
	/** The clinician already has a visit at that time (the database's exclusion constraint said so). */
	SLOT_TAKEN: 409,
	/** The patient already has a visit at that time. */
	PATIENT_BUSY: 409,
	/** The clinician is not licensed where the patient will be on that date (DOMAIN.md, Licensure). */
	LICENSURE: 422,
	/** The time is not one the clinician offers for that visit type and modality, or it has passed. */
	SLOT_UNAVAILABLE: 422,
	/** An Idempotency-Key reused with a different request. */
	IDEMPOTENCY_KEY_REUSED: 422,
	/** An admin may not deactivate or reset their own sign-in (another admin must). */
	SELF_DEACTIVATION: 409,
	/** An invitation or visit link that expired, was used, or was replaced. */
	LINK_EXPIRED: 410,
	/** A patient's visit link that is not ours, or whose visit was cancelled or ended over a day ago. */
	VISIT_LINK_INVALID: 410,
	/** The date of birth given with a visit link is not the patient's (one answer for every wrong date). */
	BIRTH_DATE_MISMATCH: 401,
	/** The consent text changed since it was shown: the patient must read the version now in force. */
	CONSENT_OUTDATED: 409,
	/** Check-in is not open for this visit (too early, the visit is over, or it was cancelled). */
	CHECK_IN_CLOSED: 409,
	/** This questionnaire was already sent for the visit (a sent response is final). */
	INTAKE_SUBMITTED: 409,
	/** No coverage is on file for the patient (or the clinician has no NPI to ask as). */
	COVERAGE_MISSING: 422,
	/** The clearinghouse could not be reached or refused the request (nothing was kept). */
	CLEARINGHOUSE_UNAVAILABLE: 502,
	/** The EHR patient chosen is linked to another AnyVisit patient already. */
	EHR_PATIENT_LINKED: 409,
	/** The clinic's EHR did not answer, or answered with an error (nothing was changed). */
	EHR_UNAVAILABLE: 502,
	/** The patient must check in (where they are now) before entering the waiting room. */
	CHECK_IN_REQUIRED: 409,
	/** The patient has no current telehealth consent: the visit cannot start until they give it. */
	CONSENT_REQUIRED: 409,
	/** The visit has ended (a guest link or a room opened afterwards). */
	VISIT_ENDED: 410,
	/** The visit is not under way (not started yet, or already over) for this action. */
	VISIT_NOT_RUNNING: 409,
	/** Recording needs the patient's recording consent and a video service that records. */
	RECORDING_UNAVAILABLE: 409,
	/** The video service could not be reached or refused (nothing was changed). */
	VIDEO_UNAVAILABLE: 502,
	/** The phone service could not place or end the call (nothing was changed). */
	PHONE_UNAVAILABLE: 502,
	/** A signed note is never edited: corrections are addenda. */
	NOTE_SIGNED: 409,
	/** An addendum needs a signed note to add to. */
	NOTE_NOT_SIGNED: 409,
	/** The visit's claim is already approved (a correction is a new claim, outside AnyVisit for now). */
	CLAIM_APPROVED: 409,
	/** There is no phone number to call: none at check-in or on file (or no interpreter line for the language). */
	NO_PHONE_NUMBER: 422,
	RATE_LIMITED: 429,
	UNAVAILABLE: 503,
	INTERNAL: 500
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One field's problem: where, and a translation key with its parameters. */
export type FieldIssue = { field: string; key: string; params?: Record<string, string | number> };

export class AppError extends Error {
	readonly status: number;
	constructor(
		readonly code: ErrorCode,
		readonly params: Record<string, string | number> = {},
		readonly fields: FieldIssue[] = []
	) {
		super(code);
		this.name = 'AppError';
		this.status = ERROR_STATUS[code];
	}
}

export const badRequest = (params?: Record<string, string | number>) => new AppError('BAD_REQUEST', params);
export const notFound = (params?: Record<string, string | number>) => new AppError('NOT_FOUND', params);
export const conflict = (params?: Record<string, string | number>) => new AppError('CONFLICT', params);
export const forbidden = () => new AppError('FORBIDDEN');
export const validationFailed = (fields: FieldIssue[]) => new AppError('VALIDATION', {}, fields);

export function isAppError(error: unknown): error is AppError {
	return error instanceof AppError;
}

export type Problem = {
	status: number;
	body: {
		/** The same as error.code, at the top level too, for clients that look there first. */
		code: ErrorCode;
		error: {
			code: ErrorCode;
			message: string;
			fields?: { field: string; message: string }[];
			errorId?: string;
		};
	};
};

/** Maps any error to a status and a localized body; unknown errors become a generic 500 with an id. */
export function toProblem(error: unknown, t: TFunction, errorId?: string): Problem {
	const appError = isAppError(error) ? error : new AppError('INTERNAL');
	const message = t(`errors:${appError.code}`, { ...appError.params, errorId: errorId ?? '' });
	const fields = appError.fields.map((issue) => ({
		field: issue.field,
		message: t(issue.key, issue.params ?? {})
	}));
	return {
		status: appError.status,
		body: {
			code: appError.code,
			error: {
				code: appError.code,
				message,
				...(fields.length ? { fields } : {}),
				...(appError.code === 'INTERNAL' && errorId ? { errorId } : {})
			}
		}
	};
}
