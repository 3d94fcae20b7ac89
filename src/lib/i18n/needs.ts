import type { Translate } from './translate';

/** What a patient asked for at check-in or in their record (PatientsTable accommodations). */
export type Needs = {
	interpreterLanguage?: string;
	aslInterpreter?: boolean;
	captions?: boolean;
	chatPreferred?: boolean;
	caregiverJoins?: boolean;
	largeText?: boolean;
};

/** A language's name in the reader's language ('es' → 'Spanish' for an English reader). */
export const languageName = (code: string, readerLanguage: string) =>
	new Intl.DisplayNames([readerLanguage], { type: 'language' }).of(code) ?? code;

/** The patient's needs as short phrases for staff (schedule, waiting list), in the reader's language. */
export function describeNeeds(needs: Needs, t: Translate, readerLanguage: string): string[] {
	return [
		needs.interpreterLanguage
			? t('staff:schedule.needs.interpreter', {
					language: languageName(needs.interpreterLanguage, readerLanguage)
				})
			: null,
		needs.aslInterpreter ? t('staff:schedule.needs.asl') : null,
		needs.captions ? t('staff:schedule.needs.captions') : null,
		needs.chatPreferred ? t('staff:schedule.needs.chat') : null,
		needs.caregiverJoins ? t('staff:schedule.needs.caregiver') : null,
		needs.largeText ? t('staff:schedule.needs.large_text') : null
	].filter((n): n is string => n !== null);
}
