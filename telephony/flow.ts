import twilio from 'twilio';

/**
 * The phone line's visit check-in as a pure function: (call state, keypad input, facts the service
 * looked up) → TwiML and the next state. It speaks; the service (src/lib/server/telephony/ivr.ts)
 * looks things up and writes. Nothing about the patient is said before their date of birth matched.
 */

/** The languages of the first menu, in the order of their keys (1 English, 2 español, ...). */
export const MENU_LANGUAGES = ['en', 'es', 'zh-Hans', 'vi', 'tl', 'ko', 'ru', 'ar', 'ht'] as const;

export type Step =
	'language' | 'code' | 'dob' | 'location' | 'state' | 'state_choice' | 'consent' | 'hold' | 'finished';

export type CallState = {
	step: Step;
	language: string;
	/** Silences and wrong keys at this step (re-prompted twice, then the caller is offered staff). */
	misses: number;
	patientId: string | null;
	appointmentId: string | null;
	dobFailures: number;
	/** The state the caller said they are in, by keypad, instead of the one on the visit. */
	namedState?: string | null;
	/** States whose two letters share the keys the caller pressed, to choose from. */
	choices?: string[];
	/** In the visit's conference now (its join and leave events), and muted there. */
	onLine?: boolean;
	muted?: boolean;
};

export const NEW_CALL: CallState = {
	step: 'language',
	language: 'en',
	misses: 0,
	patientId: null,
	appointmentId: null,
	dobFailures: 0
};

type Identified = { patientId: string; appointmentId: string };

/** What the service found out for this turn (only what the step needs). */
export type Facts = {
	/** After the language: the one patient whose number called, with a visit now (null: none or several). */
	caller?: Identified | null;
	/** At the code step: whose visit the code names (null: no such code). */
	code?: Identified | null;
	dobMatches?: boolean;
	/** Once identified: where the visit says the patient is, and whether their consent is current. */
	visit?: { state: string; consentCurrent: boolean };
	/** At the state step: the states whose two letters are on the keys pressed. */
	namedStates?: string[];
	/** After the caller confirmed where they are: whether the clinician may practise there. */
	licensed?: boolean;
	/** After the caller agreed: the consent was recorded. */
	consentRecorded?: boolean;
};

/** What the service does after this turn. */
export type Effect = 'wait' | 'lock' | 'alert_staff';

export type Turn = { twiml: string; next: CallState; effects: Effect[] };

/** Speaks a prompt in a language: TTS with a voice, or a recorded file for a language TTS lacks. */
export type Speaker = (
	response:
		| InstanceType<typeof twilio.twiml.VoiceResponse>
		| ReturnType<InstanceType<typeof twilio.twiml.VoiceResponse>['gather']>,
	language: string,
	key: string,
	params?: Record<string, string>
) => void;

export type FlowUrls = {
	gather: string;
	hold: string;
	staffNumber: string | null;
	conference: (visitId: string) => string;
	/** Where the visit's conference reports participants joining, leaving and muting. */
	conferenceEvents: (visitId: string) => string;
};

/** Times each step is asked again after silence or a wrong key before the caller is offered staff. */
const MAX_MISSES = 2;
const MAX_DOB_FAILURES = 3;

const DIGITS: Partial<Record<Step, { numDigits?: number; finishOnKey?: string }>> = {
	language: { numDigits: 1 },
	code: { numDigits: 6 },
	dob: { numDigits: 8 },
	location: { numDigits: 1 },
	state: { numDigits: 2 },
	state_choice: { numDigits: 1 },
	consent: { numDigits: 1 }
};

function ask(
	speak: Speaker,
	urls: FlowUrls,
	state: CallState,
	before: string[],
	params: Record<string, string> = {},
	/** At the state choice: each state's name, in the order of its key. */
	choiceNames: string[] = []
) {
	const response = new twilio.twiml.VoiceResponse();
	const gather = response.gather({
		input: ['dtmf'],
		action: urls.gather,
		method: 'POST',
		timeout: 8,
		actionOnEmptyResult: true,
		...DIGITS[state.step]
	});
	for (const key of before) speak(gather, state.language, key, params);
	if (state.step === 'language') {
		// Each option in its own language, so every caller hears theirs.
		MENU_LANGUAGES.forEach((language, i) =>
			speak(gather, language, 'ivr:language.option', { digit: String(i + 1) })
		);
	} else {
		speak(gather, state.language, `ivr:${state.step}.ask`, params);
		choiceNames.forEach((name, i) =>
			speak(gather, state.language, 'ivr:state.option', { state: name, digit: String(i + 1) })
		);
		speak(gather, state.language, 'ivr:repeat_hint');
	}
	return response.toString();
}

function farewell(speak: Speaker, state: CallState, key: string, params: Record<string, string> = {}) {
	const response = new twilio.twiml.VoiceResponse();
	speak(response, state.language, key, params);
	response.hangup();
	return response.toString();
}

/**
 * Hands the call to the clinic's staff line (after `before`, when given); without one, the caller is
 * told they will be called back and staff are alerted.
 */
function toStaff(speak: Speaker, urls: FlowUrls, state: CallState, before?: string): Turn {
	const next = { ...state, step: 'finished' as const };
	const response = new twilio.twiml.VoiceResponse();
	if (before) speak(response, state.language, before);
	if (!urls.staffNumber) {
		speak(response, state.language, 'ivr:staff.unavailable');
		response.hangup();
		return { twiml: response.toString(), next, effects: ['alert_staff'] };
	}
	speak(response, state.language, 'ivr:staff.connect');
	response.dial(urls.staffNumber);
	return { twiml: response.toString(), next, effects: [] };
}

/** Asks the current step again after silence or a wrong key; after two, offers staff. */
function miss(
	speak: Speaker,
	urls: FlowUrls,
	state: CallState,
	silent: boolean,
	params: Record<string, string> = {},
	choiceNames: string[] = []
): Turn {
	if (state.misses >= MAX_MISSES) {
		return toStaff(speak, urls, state);
	}
	const next = { ...state, misses: state.misses + 1 };
	return {
		twiml: ask(speak, urls, next, [silent ? 'ivr:no_input' : 'ivr:invalid'], params, choiceNames),
		next,
		effects: []
	};
}

function moveTo(
	speak: Speaker,
	urls: FlowUrls,
	state: CallState,
	step: Step,
	before: string[] = [],
	params: Record<string, string> = {},
	choiceNames: string[] = []
): Turn {
	const next = { ...state, step, misses: 0 };
	return { twiml: ask(speak, urls, next, before, params, choiceNames), next, effects: [] };
}

/** The state the caller is asked about: the one they named, else the one on the visit. */
function stateParams(speakState: (code: string) => string, state: CallState, facts: Facts) {
	const code = state.namedState ?? facts.visit?.state;
	return { state: code ? speakState(code) : '' };
}

/** The keys of a phone keypad, by letter (ITU E.161). */
const KEYPAD: Record<string, string> = Object.fromEntries(
	['ABC', 'DEF', 'GHI', 'JKL', 'MNO', 'PQRS', 'TUV', 'WXYZ'].flatMap((letters, i) =>
		[...letters].map((letter) => [letter, String(i + 2)])
	)
);

/** The states whose two-letter codes are typed with these two keys (TX is 89; ME, MD, NE and ND are 63). */
export function keypadStates(digits: string, codes: readonly string[]): string[] {
	return codes.filter((code) => [...code].map((letter) => KEYPAD[letter]).join('') === digits);
}

/** After identification and the date of birth: confirm where the caller is. */
function afterIdentity(
	speak: Speaker,
	urls: FlowUrls,
	state: CallState,
	facts: Facts,
	stateName: (code: string) => string
): Turn {
	return moveTo(speak, urls, state, 'location', [], stateParams(stateName, state, facts));
}

function hold(speak: Speaker, urls: FlowUrls, state: CallState): Turn {
	const response = new twilio.twiml.VoiceResponse();
	speak(response, state.language, 'ivr:hold.intro');
	const dial = response.dial();
	dial.conference(
		{
			waitUrl: urls.hold,
			waitMethod: 'POST',
			startConferenceOnEnter: false,
			endConferenceOnExit: true,
			beep: 'false',
			// Who joins and leaves the call, so the visit page shows the caller on the line.
			statusCallback: urls.conferenceEvents(state.appointmentId!),
			statusCallbackEvent: ['join', 'leave', 'mute'],
			statusCallbackMethod: 'POST'
		},
		urls.conference(state.appointmentId!)
	);
	return { twiml: response.toString(), next: { ...state, step: 'hold', misses: 0 }, effects: ['wait'] };
}

/** The first answer to a call: the language menu. */
export function greet(speak: Speaker, urls: FlowUrls): Turn {
	return { twiml: ask(speak, urls, NEW_CALL, []), next: NEW_CALL, effects: [] };
}

/**
 * One keypad answer. `digits` is null on silence; '*' repeats the prompt; '0' reaches staff at any
 * step. `stateName` says a state's name in the call's language.
 */
export function answer(
	speak: Speaker,
	urls: FlowUrls,
	state: CallState,
	digits: string | null,
	facts: Facts,
	stateName: (code: string) => string
): Turn {
	if (state.step === 'hold' && state.appointmentId) return hold(speak, urls, state);
	// A call that already ended its business (locked, refused, transferred) goes no further.
	if (state.step === 'hold' || state.step === 'finished')
		return goodbye(speak, state, 'ivr:staff.unavailable');
	if (digits === '0') return toStaff(speak, urls, state);
	const params = state.step === 'location' ? stateParams(stateName, state, facts) : {};
	const choiceNames = state.step === 'state_choice' ? (state.choices ?? []).map(stateName) : [];
	if (digits === '*')
		return { twiml: ask(speak, urls, state, [], params, choiceNames), next: state, effects: [] };
	if (!digits) return miss(speak, urls, state, true, params, choiceNames);

	switch (state.step) {
		case 'language': {
			const language = MENU_LANGUAGES[Number(digits) - 1];
			if (!language || digits.length !== 1) return miss(speak, urls, state, false);
			const chosen = { ...state, language };
			if (facts.caller) {
				return moveTo(speak, urls, { ...chosen, ...facts.caller }, 'dob');
			}
			return moveTo(speak, urls, chosen, 'code');
		}
		case 'code': {
			if (!/^\d{6}$/.test(digits)) return miss(speak, urls, state, false);
			// One answer for a wrong code: it reveals nothing about whose it might be.
			if (!facts.code) return miss(speak, urls, state, false);
			return moveTo(speak, urls, { ...state, ...facts.code }, 'dob');
		}
		case 'dob': {
			if (facts.dobMatches) return afterIdentity(speak, urls, { ...state, dobFailures: 0 }, facts, stateName);
			const failures = state.dobFailures + 1;
			if (failures >= MAX_DOB_FAILURES) {
				return {
					twiml: farewell(speak, state, 'ivr:locked'),
					next: { ...state, step: 'finished', dobFailures: failures },
					effects: ['lock']
				};
			}
			return {
				twiml: ask(speak, urls, { ...state, dobFailures: failures }, ['ivr:dob.wrong']),
				next: { ...state, dobFailures: failures, misses: 0 },
				effects: []
			};
		}
		case 'location': {
			// Somewhere else: the caller names the state by keypad, and is asked about it.
			if (digits === '2') return moveTo(speak, urls, { ...state, namedState: null }, 'state');
			if (digits !== '1') return miss(speak, urls, state, false, params);
			if (facts.licensed === false) {
				return {
					twiml: farewell(speak, state, 'ivr:licensure.refused', params),
					next: { ...state, step: 'finished' },
					effects: ['alert_staff']
				};
			}
			if (facts.visit?.consentCurrent) return hold(speak, urls, state);
			return moveTo(speak, urls, state, 'consent');
		}
		case 'state': {
			const found = facts.namedStates ?? [];
			if (found.length === 0) return miss(speak, urls, state, false);
			if (found.length > 1) {
				return moveTo(
					speak,
					urls,
					{ ...state, choices: found },
					'state_choice',
					[],
					{},
					found.map(stateName)
				);
			}
			const named = { ...state, namedState: found[0]! };
			return moveTo(speak, urls, named, 'location', [], stateParams(stateName, named, facts));
		}
		case 'state_choice': {
			const chosen = digits.length === 1 ? state.choices?.[Number(digits) - 1] : undefined;
			if (!chosen) return miss(speak, urls, state, false, {}, choiceNames);
			const named = { ...state, namedState: chosen, choices: undefined };
			return moveTo(speak, urls, named, 'location', [], stateParams(stateName, named, facts));
		}
		case 'consent': {
			if (digits === '1' && facts.consentRecorded) return hold(speak, urls, state);
			if (digits === '2') return { twiml: ask(speak, urls, state, []), next: state, effects: [] };
			if (digits === '3') {
				return {
					twiml: farewell(speak, state, 'ivr:consent.declined'),
					next: { ...state, step: 'finished' },
					effects: ['alert_staff']
				};
			}
			return miss(speak, urls, state, false);
		}
	}
}

/** Hangs up without a word: a call that is not ours to carry on. */
export function hangUp(): string {
	const response = new twilio.twiml.VoiceResponse();
	response.hangup();
	return response.toString();
}

/** Says one last thing and hangs up. */
export function goodbye(speak: Speaker, state: CallState, key: string): Turn {
	return { twiml: farewell(speak, state, key), next: { ...state, step: 'finished' }, effects: [] };
}

/**
 * A call AnyVisit placed into a running visit, answered: the patient hears who is calling (nothing
 * more: whoever picked up has not proved who they are) and joins the visit's conference, waiting
 * with the hold updates until the clinician is on; the clinician's own phone is told it is joining
 * the visit and opens the call; an interpreter service joins without a word.
 */
export function joinVisit(
	speak: Speaker,
	urls: FlowUrls,
	leg: {
		visitId: string;
		role: 'patient' | 'clinician' | 'interpreter';
		language: string;
		/** The clinician's browser, which knows where it is going: no greeting. */
		silent?: boolean;
	}
): string {
	const response = new twilio.twiml.VoiceResponse();
	if (leg.role !== 'interpreter' && !leg.silent) speak(response, leg.language, `ivr:leg.${leg.role}`);
	const dial = response.dial();
	dial.conference(
		{
			waitUrl: urls.hold,
			waitMethod: 'POST',
			// The clinician (or an interpreter) opens the call; the patient waits for them with updates.
			startConferenceOnEnter: leg.role !== 'patient',
			// The patient hanging up ends the phone part of the visit; an interpreter leaving does not.
			endConferenceOnExit: leg.role === 'patient',
			beep: 'false',
			statusCallback: urls.conferenceEvents(leg.visitId),
			statusCallbackEvent: ['join', 'leave', 'mute'],
			statusCallbackMethod: 'POST'
		},
		urls.conference(leg.visitId)
	);
	return response.toString();
}

/** What callers hear while they wait for the clinician: an update, then music, again and again. */
export function holdMusic(speak: Speaker, language: string, musicUrl: string | null): string {
	const response = new twilio.twiml.VoiceResponse();
	speak(response, language, 'ivr:hold.update');
	if (musicUrl) response.play(musicUrl);
	else response.pause({ length: 30 });
	return response.toString();
}
