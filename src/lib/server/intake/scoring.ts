import type { QuestionnaireId } from './questionnaires';

export type Answers = Record<string, string | boolean>;

export type Score = {
	total: number;
	severity: 'minimal' | 'mild' | 'moderate' | 'moderately_severe' | 'severe';
	/** PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above zero. */
	selfHarmAlert: boolean;
};

const value = (answer: string | boolean | undefined): number => {
	const n = Number(answer);
	return Number.isInteger(n) && n >= 0 && n <= 3 ? n : 0;
};

/**
 * PHQ-9: the sum of nine items scored 0-3 (0-27); 5, 10, 15 and 20 mark mild, moderate, moderately
 * severe and severe depression (Kroenke, Spitzer & Williams 2001). Item 9 above zero needs the
 * clinician's attention at once, whatever the total. GAD-7: seven items (0-21); 5, 10 and 15 mark
 * mild, moderate and severe anxiety (Spitzer et al. 2006).
 */
export function scoreQuestionnaire(id: QuestionnaireId, answers: Answers): Score | null {
	if (id === 'phq-9') {
		const total = Array.from({ length: 9 }, (_, i) => value(answers[`q${i + 1}`])).reduce((a, b) => a + b, 0);
		const severity =
			total >= 20
				? 'severe'
				: total >= 15
					? 'moderately_severe'
					: total >= 10
						? 'moderate'
						: total >= 5
							? 'mild'
							: 'minimal';
		return { total, severity, selfHarmAlert: value(answers.q9) > 0 };
	}
	if (id === 'gad-7') {
		const total = Array.from({ length: 7 }, (_, i) => value(answers[`q${i + 1}`])).reduce((a, b) => a + b, 0);
		const severity = total >= 15 ? 'severe' : total >= 10 ? 'moderate' : total >= 5 ? 'mild' : 'minimal';
		return { total, severity, selfHarmAlert: false };
	}
	return null;
}
