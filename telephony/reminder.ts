import twilio from 'twilio';
import type { Speaker } from './flow';

/**
 * A reminder or confirmation call to a landline: the message in the patient's language, then 1 to
 * confirm, 2 to ask for a call back, 9 to hear it again. An answering machine hears only a short
 * message that names no one and no visit (nothing about health is left on a recording).
 */

export type ReminderCall = { say: string; language: string };
export type ReminderInput = {
	/** Twilio's answering-machine detection: human, machine_end_beep, fax, unknown... */
	answeredBy: string | null;
	digits: string | null;
	/** How many times the message was said with no choice heard. */
	tries: number;
};
export type ReminderTurn = { twiml: string; outcome: 'confirm' | 'callback' | null };

/** Silence after the message is met with the message again, this many times, then a goodbye. */
const MAX_TRIES = 2;

function sayLiteral(
	response:
		| InstanceType<typeof twilio.twiml.VoiceResponse>
		| ReturnType<InstanceType<typeof twilio.twiml.VoiceResponse>['gather']>,
	voice: { voice: string; language: string },
	text: string
) {
	response.say(voice as never, text);
}

/** The next TwiML of a reminder call; `action(tries)` is where the keypad answer goes. */
export function reminderAnswer(
	speak: Speaker,
	voice: { voice: string; language: string },
	call: ReminderCall,
	input: ReminderInput,
	action: (tries: number) => string
): ReminderTurn {
	const response = new twilio.twiml.VoiceResponse();
	const end = (key: string, outcome: ReminderTurn['outcome']) => {
		speak(response, call.language, key);
		response.hangup();
		return { twiml: response.toString(), outcome };
	};
	if (input.answeredBy && /^(machine|fax)/.test(input.answeredBy)) return end('ivr:reminder.machine', null);
	if (input.digits === '1') return end('ivr:reminder.confirmed', 'confirm');
	if (input.digits === '2') return end('ivr:reminder.callback', 'callback');
	const silent = input.digits === null;
	if (silent && input.tries > MAX_TRIES) return end('ivr:reminder.goodbye', null);
	if (input.digits !== null && input.digits !== '9') speak(response, call.language, 'ivr:invalid');
	const gather = response.gather({
		input: ['dtmf'],
		numDigits: 1,
		timeout: 8,
		action: action(input.tries + 1),
		method: 'POST',
		actionOnEmptyResult: true
	});
	sayLiteral(gather, voice, call.say);
	speak(gather, call.language, 'ivr:reminder.keys');
	return { twiml: response.toString(), outcome: null };
}
