import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';

/**
 * The intake questionnaires: a general intake, and for behavioural-health visits the PHQ-9 and GAD-7
 * screeners. Item wording lives in locales/<lng>/intake.json (key `<questionnaire>.<item>`); the
 * FHIR Questionnaire built here carries the English text and the LOINC codes.
 */
export type QuestionnaireId = 'general-intake' | 'phq-9' | 'gad-7';

export type IntakeItem =
	| { linkId: string; kind: 'frequency'; loinc: string; required: true }
	| { linkId: string; kind: 'yes-no'; required: boolean }
	| { linkId: string; kind: 'text'; required: boolean; maxLength: number };

export type IntakeQuestionnaire = {
	id: QuestionnaireId;
	/** LOINC panel code (PHQ-9 44249-1, GAD-7 69737-5); none for the clinic's own intake. */
	loinc: string | null;
	items: IntakeItem[];
};

/**
 * The four answers of PHQ-9 and GAD-7 items, scored 0-3 (Kroenke 2001; Spitzer 2006), with their
 * LOINC answer codes (LL358-3).
 */
export const FREQUENCY = [
	{ code: 'LA6568-5', value: 0, key: 'not_at_all', display: 'Not at all' },
	{ code: 'LA6569-3', value: 1, key: 'several_days', display: 'Several days' },
	{ code: 'LA6570-1', value: 2, key: 'more_than_half', display: 'More than half the days' },
	{ code: 'LA6571-9', value: 3, key: 'nearly_every_day', display: 'Nearly every day' }
] as const;

const frequency = (n: number, loinc: string): IntakeItem => ({
	linkId: `q${n}`,
	kind: 'frequency',
	loinc,
	required: true
});

export const QUESTIONNAIRES: Record<QuestionnaireId, IntakeQuestionnaire> = {
	'general-intake': {
		id: 'general-intake',
		loinc: null,
		items: [
			{ linkId: 'reason', kind: 'text', required: true, maxLength: 1000 },
			{ linkId: 'symptoms', kind: 'text', required: false, maxLength: 2000 },
			{ linkId: 'medications_changed', kind: 'yes-no', required: true },
			{ linkId: 'allergies_changed', kind: 'yes-no', required: true },
			{ linkId: 'changes', kind: 'text', required: false, maxLength: 2000 },
			{ linkId: 'pharmacy', kind: 'text', required: false, maxLength: 300 }
		]
	},
	// PHQ-9 items, LOINC 44250-9 ... 44260-8 (panel 44249-1).
	'phq-9': {
		id: 'phq-9',
		loinc: '44249-1',
		items: [
			'44250-9',
			'44255-8',
			'44259-0',
			'44254-1',
			'44251-7',
			'44258-2',
			'44252-5',
			'44253-3',
			'44260-8'
		].map((code, i) => frequency(i + 1, code))
	},
	// GAD-7 items, LOINC 69725-0 ... 69733-4 (panel 69737-5).
	'gad-7': {
		id: 'gad-7',
		loinc: '69737-5',
		items: ['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7'].map((code, i) =>
			frequency(i + 1, code)
		)
	}
};

/** Which questionnaires a visit asks for: the screeners only for behavioural-health visits. */
export function questionnairesFor(visitTypeCode: string): QuestionnaireId[] {
	return visitTypeCode === 'behavioral-health' ? ['general-intake', 'phq-9', 'gad-7'] : ['general-intake'];
}

export function isQuestionnaireId(id: string): id is QuestionnaireId {
	return Object.hasOwn(QUESTIONNAIRES, id);
}

/** A questionnaire as a FHIR R4 Questionnaire (English text; `t` gives it), with its canonical URL. */
export function fhirQuestionnaire(
	q: IntakeQuestionnaire,
	baseUrl: string,
	t: (key: string) => string
): Questionnaire {
	const item = (i: IntakeItem): QuestionnaireItem => ({
		linkId: i.linkId,
		text: t(`intake:${q.id}.${i.linkId}`),
		required: i.required,
		...(i.kind === 'frequency'
			? {
					type: 'choice',
					code: [{ system: 'http://loinc.org', code: i.loinc }],
					answerOption: FREQUENCY.map((f) => ({
						valueCoding: { system: 'http://loinc.org', code: f.code, display: f.display }
					}))
				}
			: i.kind === 'yes-no'
				? { type: 'boolean' }
				: { type: 'text', maxLength: i.maxLength })
	});
	return {
		resourceType: 'Questionnaire',
		url: `${baseUrl}/questionnaires/${q.id}`,
		status: 'active',
		title: t(`intake:${q.id}.title`),
		...(q.loinc ? { code: [{ system: 'http://loinc.org', code: q.loinc }] } : {}),
		item: q.items.map(item)
	};
}
