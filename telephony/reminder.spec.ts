import { describe, expect, test } from 'vitest';
import type { Speaker } from './flow';
import { reminderAnswer } from './reminder';

const speak: Speaker = (response, language, key) => response.say({ language } as never, key);
const voice = { voice: 'Polly.Lupe', language: 'es-US' };
const call = {
	say: 'Hola, soy la clínica. Tiene una consulta el lunes 30 a las 10:00. Para confirmar, oprima 1.',
	language: 'es'
};
const action = (tries: number) =>
	`https://clinic.example.org/telephony/voice/reminder?message=m1&tries=${tries}`;
const said = (twiml: string) => [...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!);

describe('a reminder call', () => {
	test('a person hears the message and the choices, with the answer posted back', () => {
		const turn = reminderAnswer(speak, voice, call, { answeredBy: 'human', digits: null, tries: 0 }, action);
		expect(turn.outcome).toBeNull();
		expect(turn.twiml).toContain(
			'action="https://clinic.example.org/telephony/voice/reminder?message=m1&amp;tries=1"'
		);
		expect(said(turn.twiml)).toEqual([call.say, 'ivr:reminder.keys']);
		expect(turn.twiml).toContain('voice="Polly.Lupe"');
	});

	test.each(['machine_end_beep', 'machine_end_silence', 'fax'])(
		'an answering machine (%s) gets a short message that names no visit',
		(answeredBy) => {
			const turn = reminderAnswer(speak, voice, call, { answeredBy, digits: null, tries: 0 }, action);
			expect(said(turn.twiml)).toEqual(['ivr:reminder.machine']);
			expect(turn.twiml).not.toContain('consulta');
			expect(turn.twiml).toContain('<Hangup/>');
		}
	);

	test.each([
		['1', 'confirm', 'ivr:reminder.confirmed'],
		['2', 'callback', 'ivr:reminder.callback']
	] as const)('%s is %s', (digits, outcome, key) => {
		const turn = reminderAnswer(speak, voice, call, { answeredBy: null, digits, tries: 1 }, action);
		expect(turn.outcome).toBe(outcome);
		expect(said(turn.twiml)).toEqual([key]);
	});

	test('9 repeats, another key is told it is not a choice, and silence is met twice before a goodbye', () => {
		expect(
			said(reminderAnswer(speak, voice, call, { answeredBy: null, digits: '9', tries: 1 }, action).twiml)
		).toEqual([call.say, 'ivr:reminder.keys']);
		expect(
			said(reminderAnswer(speak, voice, call, { answeredBy: null, digits: '5', tries: 1 }, action).twiml)[0]
		).toBe('ivr:invalid');
		expect(
			reminderAnswer(speak, voice, call, { answeredBy: null, digits: null, tries: 2 }, action).twiml
		).toContain('<Gather');
		const last = reminderAnswer(speak, voice, call, { answeredBy: null, digits: null, tries: 3 }, action);
		expect(said(last.twiml)).toEqual(['ivr:reminder.goodbye']);
		expect(last.outcome).toBeNull();
	});
});
