import type { NewPatient } from '../patients/repository';
import type { LicensePathway, Modality, StaffRole, VisitService } from '../platform/schema';

// Synthetic people only (Synthea-style): names, numbers (555-01xx) and addresses are invented.
// Staff addresses are the demo accounts of the public contract (demo.anyvisit.test, never in production).
export type DemoStaff = {
	email: string;
	/** National Provider Identifier (synthetic, valid check digit): how the EHR knows the clinician. */
	npi?: string;
	displayName: string;
	roles: StaffRole[];
	credential?: string;
	languages: string[];
	timeZone: string;
	licenses?: {
		state: string;
		credential: string;
		number: string;
		pathway: LicensePathway;
		/** Days from seeding to expiry (default ten years), to show the expiry warnings. */
		expiresInDays?: number;
	}[];
	/** Visit types offered (codes) and weekly hours in the clinician's own time zone. */
	offers?: string[];
	hours?: { weekdays: number[]; from: string; until: string; modalities: Modality[] }[];
};

/** The clinic's visit types; their names are in locales/<lng>/scheduling.json under visit_type.<code>. */
export const DEMO_VISIT_TYPES: {
	code: string;
	service: VisitService;
	durationMinutes: number;
	bufferMinutes: number;
	modalities: Modality[];
}[] = [
	{
		code: 'new-patient',
		service: 'medical',
		durationMinutes: 40,
		bufferMinutes: 10,
		modalities: ['video', 'audio', 'in_person']
	},
	{
		code: 'follow-up',
		service: 'medical',
		durationMinutes: 20,
		bufferMinutes: 10,
		modalities: ['video', 'audio', 'phone', 'in_person']
	},
	{
		code: 'behavioral-health',
		service: 'behavioral',
		durationMinutes: 50,
		bufferMinutes: 10,
		modalities: ['video', 'audio', 'phone']
	},
	{
		code: 'nurse-check',
		service: 'nursing',
		durationMinutes: 15,
		bufferMinutes: 5,
		modalities: ['video', 'audio', 'phone']
	}
];

const WEEKDAYS = [1, 2, 3, 4, 5];
const TELEHEALTH: Modality[] = ['video', 'audio', 'phone'];

export type DemoPatient = Omit<NewPatient, 'organizationId'> & {
	caregiver?: { displayName: string; relationship: string; phone: string; language: string };
};

/** Demo accounts only (public contract of the identity issue); never seeded in production. */
export const DEMO_PASSWORD = 'anyvisit-demo';
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

export const DEMO_ORGANIZATION = {
	name: 'Riverbend Community Health',
	timeZone: 'America/Chicago',
	// The clinic as billing provider on its claims (synthetic NPI with a valid check digit, invented tax id).
	billing: {
		npi: '1987654328',
		taxId: '841234567',
		address: { line: '200 Riverbend Pkwy', city: 'Madison', state: 'WI', zip: '53703-2110' },
		phone: '+16085550100'
	}
};

export const DEMO_STAFF: DemoStaff[] = [
	{
		email: 'maya.okafor@demo.anyvisit.test',
		npi: '1234567893',
		displayName: 'Dr. Maya Okafor',
		roles: ['clinician'],
		credential: 'MD',
		languages: ['en'],
		timeZone: 'America/Denver',
		// Colorado is her principal licence; WI and MN licences were issued through the Interstate
		// Medical Licensure Compact (IMLC is a path to separate state licences, not a privilege).
		licenses: [
			{ state: 'CO', credential: 'MD', number: 'DR.0061234', pathway: 'state' },
			{ state: 'WI', credential: 'MD', number: '78123-20', pathway: 'imlc' },
			{ state: 'MN', credential: 'MD', number: '71544', pathway: 'imlc', expiresInDays: 45 }
		],
		offers: ['new-patient', 'follow-up'],
		hours: [
			{ weekdays: WEEKDAYS, from: '09:00', until: '12:00', modalities: TELEHEALTH },
			{ weekdays: WEEKDAYS, from: '13:00', until: '17:00', modalities: TELEHEALTH }
		]
	},
	{
		email: 'daniel.reyes@demo.anyvisit.test',
		npi: '1245319599',
		displayName: 'Dr. Daniel Reyes',
		roles: ['clinician'],
		credential: 'MD',
		languages: ['en', 'es'],
		timeZone: 'America/Chicago',
		licenses: [
			{ state: 'TX', credential: 'MD', number: 'T5512', pathway: 'state' },
			{ state: 'NM', credential: 'MD', number: 'MD2021-0412', pathway: 'state' }
		],
		offers: ['new-patient', 'follow-up'],
		hours: [
			{ weekdays: WEEKDAYS, from: '08:00', until: '12:00', modalities: TELEHEALTH },
			{ weekdays: [2, 4], from: '13:00', until: '17:00', modalities: ['in_person', 'video'] },
			{ weekdays: [1, 3, 5], from: '13:00', until: '16:00', modalities: TELEHEALTH }
		]
	},
	{
		email: 'samira.haddad@demo.anyvisit.test',
		npi: '1386672152',
		displayName: 'Samira Haddad, PMHNP',
		roles: ['clinician'],
		credential: 'NP',
		languages: ['en', 'ar'],
		timeZone: 'America/Chicago',
		licenses: [{ state: 'IL', credential: 'NP', number: '209.018734', pathway: 'state' }],
		offers: ['behavioral-health', 'follow-up'],
		hours: [{ weekdays: [1, 3, 5], from: '10:00', until: '16:00', modalities: TELEHEALTH }]
	},
	{
		email: 'nurse@demo.anyvisit.test',
		npi: '1497758544',
		displayName: 'Grace Thompson, RN',
		roles: ['nurse'],
		credential: 'RN',
		languages: ['en'],
		timeZone: 'America/Chicago',
		// A multistate RN licence from Texas, valid in Nurse Licensure Compact states.
		licenses: [{ state: 'TX', credential: 'RN', number: '884512', pathway: 'nlc' }],
		offers: ['nurse-check'],
		hours: [{ weekdays: WEEKDAYS, from: '08:00', until: '16:00', modalities: TELEHEALTH }]
	},
	{
		email: 'scheduler@demo.anyvisit.test',
		displayName: 'Luis Martinez',
		roles: ['scheduler'],
		languages: ['en', 'es'],
		timeZone: 'America/Chicago'
	},
	{
		email: 'biller@demo.anyvisit.test',
		displayName: 'Priya Natarajan',
		roles: ['biller'],
		languages: ['en'],
		timeZone: 'America/Chicago'
	},
	{
		email: 'admin@demo.anyvisit.test',
		displayName: 'Jordan Lee',
		roles: ['admin'],
		languages: ['en', 'ko'],
		timeZone: 'America/Chicago'
	}
];

export const DEMO_PATIENTS: DemoPatient[] = [
	{
		// Spanish speaker on a low-end Android phone with a prepaid data plan.
		givenName: 'Rosa',
		mrn: 'RB100001',
		familyName: 'Hernández',
		birthDate: '1979-04-12',
		phone: '+15125550101',
		phoneKind: 'mobile',
		email: 'rosa.hernandez@example.org',
		preferredLanguage: 'es',
		contactChannel: 'sms',
		homeState: 'TX',
		timeZone: 'America/Chicago',
		accommodations: {}
	},
	{
		// Arabic speaker who reads right to left and asks for an interpreter.
		givenName: 'Layla',
		mrn: 'RB100002',
		familyName: 'Hassan',
		birthDate: '1988-09-30',
		phone: '+13125550102',
		phoneKind: 'mobile',
		email: 'layla.hassan@example.org',
		preferredLanguage: 'ar',
		contactChannel: 'sms',
		homeState: 'IL',
		timeZone: 'America/Chicago',
		accommodations: { interpreterLanguage: 'ar' }
	},
	{
		// Deaf patient: chat and captions, an ASL interpreter, email rather than calls.
		givenName: 'Marcus',
		mrn: 'RB100003',
		familyName: 'Johnson',
		birthDate: '1995-01-17',
		phone: '+17205550103',
		phoneKind: 'mobile',
		email: 'marcus.johnson@example.org',
		preferredLanguage: 'en',
		contactChannel: 'email',
		homeState: 'CO',
		timeZone: 'America/Denver',
		accommodations: { aslInterpreter: true, captions: true, chatPreferred: true }
	},
	{
		// Older patient with only a landline: reminders by voice call, visits by phone.
		givenName: 'Dorothy',
		mrn: 'RB100004',
		familyName: 'Miller',
		birthDate: '1943-06-05',
		phone: '+16085550104',
		phoneKind: 'landline',
		email: null,
		preferredLanguage: 'en',
		contactChannel: 'voice',
		homeState: 'WI',
		timeZone: 'America/Chicago',
		accommodations: { largeText: true }
	},
	{
		// Vietnamese-speaking patient whose daughter joins visits as family caregiver.
		givenName: 'Tuan',
		mrn: 'RB100005',
		familyName: 'Nguyen',
		birthDate: '1951-11-23',
		phone: '+16515550105',
		phoneKind: 'mobile',
		email: null,
		preferredLanguage: 'vi',
		contactChannel: 'sms',
		homeState: 'MN',
		timeZone: 'America/Chicago',
		accommodations: { caregiverJoins: true, interpreterLanguage: 'vi' },
		caregiver: { displayName: 'Linh Nguyen', relationship: 'daughter', phone: '+16515550106', language: 'en' }
	}
];

/**
 * Demo insurance, one patient per sandbox clearinghouse answer (member id prefixes, see
 * integrations/x12/sandbox-payer.ts): active with telehealth, active without it, inactive, not found,
 * and an answer cut short.
 */
export const DEMO_COVERAGES: Record<string, { payerId: string; memberId: string; groupNumber?: string }> = {
	RB100001: { payerId: 'TXMCD-DEMO', memberId: 'ACT-TH-520117' },
	RB100002: { payerId: 'BCBS-DEMO', memberId: 'ACT-NT-884120', groupNumber: 'GRP-4471' },
	RB100003: { payerId: 'AETNA-DEMO', memberId: 'INACT-300982' },
	RB100004: { payerId: 'MEDICARE-DEMO', memberId: 'NOTFOUND-1EG4' },
	RB100005: { payerId: 'BCBS-DEMO', memberId: 'GARBLED-77310' }
};
