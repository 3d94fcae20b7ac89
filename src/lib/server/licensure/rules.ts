import type { Modality, VisitService } from '../platform/schema';
import type { CompactMembership } from './compacts';

export type LicenceRecord = {
	id: string;
	state: string;
	credential: string;
	status: 'active' | 'inactive' | 'expired' | 'suspended' | 'revoked';
	pathway: 'state' | 'imlc' | 'nlc' | 'psypact' | 'registration';
	issuedOn: string;
	expiresOn: string;
};

export type PracticeQuestion = {
	/** Where the patient will be at the time of the visit. */
	state: string;
	/** The visit's date (YYYY-MM-DD) in the patient's location. */
	date: string;
	modality: Modality;
	service: VisitService;
};

export type PracticeBasis =
	'state_licence' | 'imlc_licence' | 'registration' | 'nlc_privilege' | 'psypact_authority';

export type PracticeRefusal =
	| 'no_licence_for_state'
	| 'licence_not_active'
	| 'licence_expired'
	| 'licence_not_yet_valid'
	| 'registration_is_telehealth_only'
	| 'compact_not_in_effect'
	| 'compact_does_not_cover_service';

export type PracticeAnswer =
	{ allowed: true; basis: PracticeBasis; licenceId: string } | { allowed: false; reason: PracticeRefusal };

const NLC_CREDENTIALS = new Set(['RN', 'LPN', 'LVN']);
const PSYPACT_CREDENTIALS = new Set(['PSYD', 'PHD', 'PSYCHOLOGIST']);

function inEffect(memberships: CompactMembership[], compact: 'nlc' | 'psypact', state: string, date: string) {
	return memberships.some(
		(m) =>
			m.compact === compact &&
			m.state === state &&
			m.effectiveFrom <= date &&
			(m.effectiveUntil === null || date <= m.effectiveUntil)
	);
}

/** Why one licence does or does not authorize the visit (null when it has nothing to do with it). */
function judge(
	licence: LicenceRecord,
	q: PracticeQuestion,
	memberships: CompactMembership[]
): PracticeAnswer | null {
	const credential = licence.credential.toUpperCase();
	let basis: PracticeBasis;
	if (licence.pathway === 'nlc') {
		// A multistate licence: the home state, and member states where the compact is in effect.
		if (licence.state !== q.state) {
			if (!NLC_CREDENTIALS.has(credential)) return null;
			if (
				!inEffect(memberships, 'nlc', q.state, q.date) ||
				!inEffect(memberships, 'nlc', licence.state, q.date)
			)
				return { allowed: false, reason: 'compact_not_in_effect' };
		}
		basis = licence.state === q.state ? 'state_licence' : 'nlc_privilege';
	} else if (licence.pathway === 'psypact') {
		// APIT: telepsychology into member states only; the licence's own state is a plain licence.
		if (licence.state !== q.state) {
			if (!PSYPACT_CREDENTIALS.has(credential)) return null;
			if (q.service !== 'behavioral' || q.modality === 'in_person')
				return { allowed: false, reason: 'compact_does_not_cover_service' };
			if (
				!inEffect(memberships, 'psypact', q.state, q.date) ||
				!inEffect(memberships, 'psypact', licence.state, q.date)
			)
				return { allowed: false, reason: 'compact_not_in_effect' };
			basis = 'psypact_authority';
		} else basis = 'state_licence';
	} else {
		if (licence.state !== q.state) return null;
		if (licence.pathway === 'registration' && q.modality === 'in_person')
			return { allowed: false, reason: 'registration_is_telehealth_only' };
		basis =
			licence.pathway === 'registration'
				? 'registration'
				: licence.pathway === 'imlc'
					? 'imlc_licence'
					: 'state_licence';
	}
	if (licence.status !== 'active') return { allowed: false, reason: 'licence_not_active' };
	if (q.date < licence.issuedOn) return { allowed: false, reason: 'licence_not_yet_valid' };
	if (q.date > licence.expiresOn) return { allowed: false, reason: 'licence_expired' };
	return { allowed: true, basis, licenceId: licence.id };
}

const REFUSAL_ORDER: PracticeRefusal[] = [
	'licence_expired',
	'licence_not_active',
	'licence_not_yet_valid',
	'registration_is_telehealth_only',
	'compact_does_not_cover_service',
	'compact_not_in_effect',
	'no_licence_for_state'
];

/**
 * May a clinician with these licences see a patient located in `state` on `date`, for this service
 * and modality? Practice happens where the patient is at the time of the visit; the clinician needs a
 * licence, a compact privilege or a telehealth registration valid there on that date (DOMAIN.md,
 * Licensure). The answer carries the licence it rests on or, when refused, the most telling reason.
 */
export function mayPractise(
	licences: LicenceRecord[],
	question: PracticeQuestion,
	memberships: CompactMembership[]
): PracticeAnswer {
	const answers = licences.map((l) => judge(l, question, memberships)).filter((a) => a !== null);
	const yes = answers.find((a) => a.allowed);
	if (yes) return yes;
	const reasons = new Set(answers.map((a) => (a.allowed ? null : a.reason)));
	return { allowed: false, reason: REFUSAL_ORDER.find((r) => reasons.has(r)) ?? 'no_licence_for_state' };
}
