import path from 'node:path';
import * as v from 'valibot';

const port = v.pipe(
	v.optional(v.string(), '3000'),
	v.transform(Number),
	v.integer(),
	v.minValue(1),
	v.maxValue(65535)
);
const positiveInt = (fallback: string) =>
	v.pipe(v.optional(v.string(), fallback), v.transform(Number), v.integer(), v.minValue(1));

const EnvSchema = v.object({
	APP_ENV: v.optional(v.picklist(['development', 'test', 'production']), 'development'),
	PORT: port,
	HOST: v.optional(v.string(), '0.0.0.0'),
	DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './data'),
	DATABASE_URL: v.optional(v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//))),
	PUBLIC_BASE_URL: v.optional(v.pipe(v.string(), v.url())),
	LOG_LEVEL: v.optional(v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
	METRICS_TOKEN: v.optional(v.pipe(v.string(), v.minLength(16))),
	// A bearer token for POST /api/v1/billing/evaluate from another system (a practice-management tool).
	BILLING_API_TOKEN: v.optional(v.pipe(v.string(), v.minLength(16))),
	OUTBOX_POLL_MS: positiveInt('1000'),
	EHR_POLL_SECONDS: positiveInt('60'),
	OUTBOX_BATCH_SIZE: positiveInt('20'),
	OUTBOX_MAX_ATTEMPTS: positiveInt('8'),
	SEED_DEMO_DATA: v.optional(v.picklist(['auto', 'never']), 'auto'),
	KEK: v.optional(v.pipe(v.string(), v.base64())),
	KEK_PREVIOUS: v.optional(v.pipe(v.string(), v.base64())),
	BLIND_INDEX_KEY: v.optional(v.pipe(v.string(), v.base64())),
	TWILIO_AUTH_TOKEN: v.optional(v.pipe(v.string(), v.minLength(16))),
	TWILIO_ACCOUNT_SID: v.optional(v.pipe(v.string(), v.regex(/^AC[0-9a-f]{32}$/))),
	TWILIO_FROM_NUMBER: v.optional(v.pipe(v.string(), v.regex(/^\+[1-9]\d{6,14}$/))),
	TWILIO_MESSAGING_SERVICE_SID: v.optional(v.pipe(v.string(), v.regex(/^MG[0-9a-f]{32}$/))),
	SMTP_URL: v.optional(v.pipe(v.string(), v.regex(/^smtps?:\/\//))),
	SMTP_FROM: v.optional(v.pipe(v.string(), v.minLength(3))),
	FHIR_BASE_URL: v.optional(v.pipe(v.string(), v.url())),
	FHIR_CLIENT_ID: v.optional(v.pipe(v.string(), v.minLength(1))),
	FHIR_PRIVATE_KEY: v.optional(v.pipe(v.string(), v.includes('PRIVATE KEY'))),
	SANDBOX_EHR_PORT: v.optional(
		v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(65535)),
		'8103'
	),
	EHR_MRN_SYSTEM: v.optional(v.pipe(v.string(), v.minLength(4))),
	HL7_MLLP_HOST: v.optional(v.pipe(v.string(), v.minLength(1))),
	HL7_MLLP_PORT: v.optional(
		v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(65535))
	),
	CLEARINGHOUSE_URL: v.optional(v.pipe(v.string(), v.url())),
	CLEARINGHOUSE_USERNAME: v.optional(v.pipe(v.string(), v.minLength(1))),
	CLEARINGHOUSE_PASSWORD: v.optional(v.pipe(v.string(), v.minLength(1))),
	X12_SENDER_ID: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{2,15}$/)), 'ANYVISIT'),
	X12_RECEIVER_ID: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{2,15}$/)), 'SANDBOXCH'),
	// Service type codes asked besides 30 and read as the telehealth benefit, as the payers agreed (e.g. "98,MH").
	X12_TELEHEALTH_SERVICE_TYPES: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{1,2}(?:,[A-Z0-9]{1,2})*$/))),
	SANDBOX_MLLP_PORT: v.optional(
		v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(65535)),
		'2575'
	),
	// The clinic's staff line that callers reach by pressing 0 on the phone line (E.164).
	IVR_STAFF_NUMBER: v.optional(v.pipe(v.string(), v.regex(/^\+[1-9]\d{6,14}$/))),
	// The interpreter service a clinician can call into a visit (E.164), and the code its menu takes
	// for each language: "es=11,ht=25,ar=4".
	INTERPRETER_LINE_NUMBER: v.optional(v.pipe(v.string(), v.regex(/^\+[1-9]\d{6,14}$/))),
	INTERPRETER_LINE_CODES: v.optional(
		v.pipe(v.string(), v.regex(/^[a-zA-Z-]{2,10}=\d{1,6}(?:,[a-zA-Z-]{2,10}=\d{1,6})*$/))
	),
	// Twilio Video signs access tokens with an API key (twilio.com/docs/iam/api-keys), not the auth token.
	TWILIO_API_KEY_SID: v.optional(v.pipe(v.string(), v.regex(/^SK[0-9a-f]{32}$/))),
	TWILIO_API_KEY_SECRET: v.optional(v.pipe(v.string(), v.minLength(16))),
	// The TwiML App whose voice URL is /telephony/voice/client: a clinician's browser joins a visit's
	// phone call through it (twilio.com/docs/voice/sdks/javascript).
	TWILIO_TWIML_APP_SID: v.optional(v.pipe(v.string(), v.regex(/^AP[0-9a-f]{32}$/))),
	// The peer-to-peer default's ICE servers: comma-separated stun:/turn:/turns: URLs.
	STUN_URLS: v.optional(v.pipe(v.string(), v.regex(/^stuns?:[^,\s]+(?:,stuns?:[^,\s]+)*$/))),
	TURN_URLS: v.optional(v.pipe(v.string(), v.regex(/^turns?:[^,\s]+(?:,turns?:[^,\s]+)*$/))),
	// coturn's shared secret (use-auth-secret): each participant gets a time-limited TURN credential.
	TURN_SECRET: v.optional(v.pipe(v.string(), v.minLength(16)))
});

/**
 * Signs Twilio webhooks outside production when TWILIO_AUTH_TOKEN is unset, so the development
 * outbox and tests can post signed webhooks (README, "Telephony webhooks"). Never used in production.
 */
export const DEVELOPMENT_TWILIO_AUTH_TOKEN = 'anyvisit-development-twilio-token';

/** The client id AnyVisit has at the sandbox EHR (the embedded default). */
export const SANDBOX_CLIENT_ID = 'anyvisit';

export type Config = {
	env: 'development' | 'test' | 'production';
	port: number;
	host: string;
	dataDir: string;
	databaseUrl: string | undefined;
	publicBaseUrl: string | undefined;
	logLevel: string;
	metricsToken: string | undefined;
	/** Lets another system ask for a visit's coding (BILLING_API_TOKEN); unset: staff sessions only. */
	billingApiToken: string | undefined;
	outbox: { pollMs: number; batchSize: number; maxAttempts: number };
	seedDemoData: boolean;
	keys: { kek: string | undefined; kekPrevious: string | undefined; indexKey: string | undefined };
	/** Verifies X-Twilio-Signature; null in production without TWILIO_AUTH_TOKEN (webhooks refused). */
	twilioAuthToken: string | null;
	/** Twilio's REST API for texts and calls; null sends them to the development outbox instead. */
	twilio: TwilioSettings | null;
	/** An SMTP relay for email; null sends it to the development outbox instead. */
	smtp: { url: string; from: string } | null;
	/**
	 * Insurance eligibility (X12 270/271): a CAQH CORE clearinghouse, or outside production the sandbox
	 * clearinghouse; null in production without one.
	 */
	clearinghouse:
		| ({ kind: 'http'; url: string; username: string; password: string } & X12Parties)
		| ({ kind: 'sandbox' } & X12Parties)
		| null;
	/**
	 * The EHR's FHIR R4 API with SMART Backend Services credentials; unset, the sandbox EHR on
	 * SANDBOX_EHR_PORT with the embedded client key under DATA_DIR/keys.
	 */
	fhir: {
		baseUrl: string;
		clientId: string;
		privateKeyPem: string | undefined;
		/** The identifier system of the clinic's medical record numbers. */
		mrnSystem: string;
		/** How often the EHR is asked which appointments changed there (EHR_POLL_SECONDS). */
		pollMs: number;
		sandbox: boolean;
	} | null;
	sandboxEhrPort: number;
	/** Where HL7 v2 messages go over MLLP: HL7_MLLP_HOST/PORT, or the sandbox listener; null in production without one. */
	hl7: { host: string; port: number; sandbox: boolean } | null;
	sandboxMllpPort: number;
	video: VideoSettings;
	/** The staff line callers reach by pressing 0 (IVR_STAFF_NUMBER); null: they are called back. */
	ivrStaffNumber: string | null;
	/** The interpreter service (INTERPRETER_LINE_NUMBER) and each language's code on it; null: none. */
	interpreterLine: { number: string; codes: Record<string, string> } | null;
	/** A clinician's browser joins a visit's call (Twilio Voice SDK); null: they join by their phone. */
	browserCalls: { accountSid: string; apiKeySid: string; apiKeySecret: string; twimlAppSid: string } | null;
};

export type X12Parties = { sender: string; receiver: string; telehealthServiceTypes: string[] };

/** Video: Twilio Video when an API key is configured, else browser-to-browser WebRTC. */
export type VideoSettings =
	| { kind: 'twilio'; accountSid: string; authToken: string; apiKeySid: string; apiKeySecret: string }
	| { kind: 'p2p'; stunUrls: string[]; turnUrls: string[]; turnSecret: string | undefined };

export type TwilioSettings = {
	accountSid: string;
	authToken: string;
	/** The sending number (E.164); calls always come from it. */
	fromNumber: string;
	/** Texts go through this Messaging Service when set (sender pools, opt-out handling). */
	messagingServiceSid: string | undefined;
};

/** Parses and validates the environment once; a bad value stops the process with a clear message. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	// An empty variable (`DATABASE_URL=`) means unset, as in most deployment tools.
	const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
	const result = v.safeParse(EnvSchema, present);
	if (!result.success) {
		const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? '?'}: ${issue.message}`);
		throw new Error(`Invalid configuration: ${problems.join('; ')}`);
	}
	const e = result.output;
	const x12Parties: X12Parties = {
		sender: e.X12_SENDER_ID,
		receiver: e.X12_RECEIVER_ID,
		telehealthServiceTypes: e.X12_TELEHEALTH_SERVICE_TYPES?.split(',') ?? []
	};
	if (e.APP_ENV === 'production' && !e.DATABASE_URL) {
		throw new Error('Invalid configuration: DATABASE_URL is required when APP_ENV=production');
	}
	if (e.APP_ENV === 'production' && (!e.KEK || !e.BLIND_INDEX_KEY)) {
		// Key files beside the data are the embedded default only; production keys come from a secret store.
		throw new Error('Invalid configuration: KEK and BLIND_INDEX_KEY are required when APP_ENV=production');
	}
	if (e.TWILIO_ACCOUNT_SID && (!e.TWILIO_AUTH_TOKEN || !e.TWILIO_FROM_NUMBER)) {
		throw new Error(
			'Invalid configuration: TWILIO_ACCOUNT_SID needs TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER as well'
		);
	}
	const fhirSettings = [e.FHIR_BASE_URL, e.FHIR_CLIENT_ID, e.FHIR_PRIVATE_KEY];
	if (fhirSettings.some(Boolean) && !fhirSettings.every(Boolean)) {
		throw new Error(
			'Invalid configuration: FHIR_BASE_URL, FHIR_CLIENT_ID and FHIR_PRIVATE_KEY go together (or none of them, for the sandbox EHR)'
		);
	}
	if (
		(e.TWILIO_API_KEY_SID || e.TWILIO_API_KEY_SECRET) &&
		!(e.TWILIO_API_KEY_SID && e.TWILIO_API_KEY_SECRET && e.TWILIO_ACCOUNT_SID)
	) {
		throw new Error(
			'Invalid configuration: TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET go together, with TWILIO_ACCOUNT_SID'
		);
	}
	if (e.TURN_URLS && !e.TURN_SECRET) {
		throw new Error("Invalid configuration: TURN_URLS needs TURN_SECRET (the TURN server's shared secret)");
	}
	if (e.SMTP_URL && !e.SMTP_FROM) {
		throw new Error('Invalid configuration: SMTP_URL needs SMTP_FROM (the sender address) as well');
	}
	return {
		env: e.APP_ENV,
		port: e.PORT,
		host: e.HOST,
		dataDir: path.resolve(e.DATA_DIR),
		databaseUrl: e.DATABASE_URL,
		publicBaseUrl: e.PUBLIC_BASE_URL,
		logLevel: e.LOG_LEVEL,
		metricsToken: e.METRICS_TOKEN,
		billingApiToken: e.BILLING_API_TOKEN,
		outbox: { pollMs: e.OUTBOX_POLL_MS, batchSize: e.OUTBOX_BATCH_SIZE, maxAttempts: e.OUTBOX_MAX_ATTEMPTS },
		seedDemoData: e.SEED_DEMO_DATA === 'auto',
		keys: { kek: e.KEK, kekPrevious: e.KEK_PREVIOUS, indexKey: e.BLIND_INDEX_KEY },
		twilioAuthToken:
			e.TWILIO_AUTH_TOKEN ?? (e.APP_ENV === 'production' ? null : DEVELOPMENT_TWILIO_AUTH_TOKEN),
		twilio:
			e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM_NUMBER
				? {
						accountSid: e.TWILIO_ACCOUNT_SID,
						authToken: e.TWILIO_AUTH_TOKEN,
						fromNumber: e.TWILIO_FROM_NUMBER,
						messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID
					}
				: null,
		smtp: e.SMTP_URL && e.SMTP_FROM ? { url: e.SMTP_URL, from: e.SMTP_FROM } : null,
		clearinghouse:
			e.CLEARINGHOUSE_URL && e.CLEARINGHOUSE_USERNAME && e.CLEARINGHOUSE_PASSWORD
				? {
						kind: 'http',
						url: e.CLEARINGHOUSE_URL,
						username: e.CLEARINGHOUSE_USERNAME,
						password: e.CLEARINGHOUSE_PASSWORD,
						...x12Parties
					}
				: e.APP_ENV === 'production'
					? null
					: { kind: 'sandbox', ...x12Parties },
		// In production an EHR must be configured for sync; the sandbox is never used there.
		fhir:
			e.APP_ENV === 'production' && !e.FHIR_BASE_URL
				? null
				: {
						baseUrl: (e.FHIR_BASE_URL ?? `http://localhost:${e.SANDBOX_EHR_PORT}/fhir/R4`).replace(/\/$/, ''),
						clientId: e.FHIR_CLIENT_ID ?? SANDBOX_CLIENT_ID,
						privateKeyPem: e.FHIR_PRIVATE_KEY,
						mrnSystem: e.EHR_MRN_SYSTEM ?? 'urn:oid:2.16.840.1.113883.19.5',
						pollMs: e.EHR_POLL_SECONDS * 1000,
						sandbox: !e.FHIR_BASE_URL
					},
		sandboxEhrPort: e.SANDBOX_EHR_PORT,
		hl7: e.HL7_MLLP_HOST
			? { host: e.HL7_MLLP_HOST, port: e.HL7_MLLP_PORT ?? 2575, sandbox: false }
			: e.APP_ENV === 'production'
				? null
				: { host: '127.0.0.1', port: e.SANDBOX_MLLP_PORT, sandbox: true },
		sandboxMllpPort: e.SANDBOX_MLLP_PORT,
		ivrStaffNumber: e.IVR_STAFF_NUMBER ?? null,
		interpreterLine: e.INTERPRETER_LINE_NUMBER
			? {
					number: e.INTERPRETER_LINE_NUMBER,
					codes: Object.fromEntries(
						(e.INTERPRETER_LINE_CODES ?? '')
							.split(',')
							.filter(Boolean)
							.map((pair) => pair.split('=') as [string, string])
					)
				}
			: null,
		browserCalls:
			e.TWILIO_TWIML_APP_SID && e.TWILIO_API_KEY_SID && e.TWILIO_API_KEY_SECRET && e.TWILIO_ACCOUNT_SID
				? {
						accountSid: e.TWILIO_ACCOUNT_SID,
						apiKeySid: e.TWILIO_API_KEY_SID,
						apiKeySecret: e.TWILIO_API_KEY_SECRET,
						twimlAppSid: e.TWILIO_TWIML_APP_SID
					}
				: null,
		video:
			e.TWILIO_API_KEY_SID && e.TWILIO_API_KEY_SECRET && e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
				? {
						kind: 'twilio',
						accountSid: e.TWILIO_ACCOUNT_SID,
						authToken: e.TWILIO_AUTH_TOKEN,
						apiKeySid: e.TWILIO_API_KEY_SID,
						apiKeySecret: e.TWILIO_API_KEY_SECRET
					}
				: {
						kind: 'p2p',
						stunUrls: e.STUN_URLS?.split(',') ?? [],
						turnUrls: e.TURN_URLS?.split(',') ?? [],
						turnSecret: e.TURN_SECRET
					}
	};
}

let cached: Config | undefined;

/** The process-wide configuration (the one allowed module-level singleton). */
export function config(): Config {
	cached ??= loadConfig();
	return cached;
}
