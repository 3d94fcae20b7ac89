import { describe, expect, test } from 'vitest';
import { NEW_CALL, answer, greet, keypadStates, type CallState, type FlowUrls, type Speaker } from './flow';

// Prompts as their keys, so the flow is read without any language.
const speak: Speaker = (response, language, key, params) =>
	response.say(
		{ language } as never,
		`${key}${params && Object.keys(params).length ? JSON.stringify(params) : ''}`
	);
const urls: FlowUrls = {
	gather: 'https://clinic.example.org/telephony/voice/gather',
	hold: 'https://clinic.example.org/telephony/voice/hold',
	staffNumber: '+15125550000',
	conference: (id) => `visit-${id}`,
	conferenceEvents: (id) => `https://clinic.example.org/telephony/voice/conference?visit=${id}`
};
const said = (twiml: string) => [...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!);
const name = (code: string) => (code === 'TX' ? 'Texas' : code);
const at = (step: CallState['step'], extra: Partial<CallState> = {}): CallState => ({
	...NEW_CALL,
	step,
	patientId: 'p1',
	appointmentId: 'a1',
	...extra
});

describe('the phone check-in flow', () => {
	test('a call opens on the language menu, each option in its own language, with the gather posting back', () => {
		const { twiml, next } = greet(speak, urls);
		expect(twiml).toMatch(
			/^<\?xml[^>]*><Response><Gather input="dtmf" action="https:\/\/clinic\.example\.org\/telephony\/voice\/gather"/
		);
		expect(twiml).toContain('numDigits="1"');
		expect([...twiml.matchAll(/language="([^"]+)"/g)].map((m) => m[1])).toEqual([
			'en',
			'es',
			'zh-Hans',
			'vi',
			'tl',
			'ko',
			'ru',
			'ar',
			'ht'
		]);
		expect(next.step).toBe('language');
	});

	test.each([
		[
			'a recognised caller goes to the birth date',
			{ caller: { patientId: 'p1', appointmentId: 'a1' } },
			'dob'
		],
		['anyone else is asked for the visit code', { caller: null }, 'code']
	] as const)('%s', (_, facts, step) => {
		const turn = answer(speak, urls, NEW_CALL, '2', facts, name);
		expect(turn.next).toMatchObject({ step, language: 'es' });
		expect(said(turn.twiml)[0]).toBe(`ivr:${step}.ask`);
	});

	test('0 reaches staff from any step; without a staff line the caller is told they will be called back', () => {
		for (const step of ['language', 'code', 'dob', 'location', 'consent'] as const) {
			const turn = answer(speak, urls, at(step), '0', {}, name);
			expect(turn.twiml).toContain('<Dial>+15125550000</Dial>');
			expect(turn.next.step).toBe('finished');
		}
		const alone = answer(speak, { ...urls, staffNumber: null }, at('dob'), '0', {}, name);
		expect(said(alone.twiml)).toEqual(['ivr:staff.unavailable']);
		expect(alone.effects).toEqual(['alert_staff']);
	});

	test('the place is said by name, and a refused licence or a declined consent ends the call kindly', () => {
		const visit = { state: 'TX', consentCurrent: false };
		const asked = answer(speak, urls, at('dob'), '01171995', { dobMatches: true, visit }, name);
		expect(said(asked.twiml)[0]).toBe('ivr:location.ask{"state":"Texas"}');
		const refused = answer(speak, urls, at('location'), '1', { visit, licensed: false }, name);
		expect(said(refused.twiml)).toEqual(['ivr:licensure.refused{"state":"Texas"}']);
		expect(refused.twiml).toContain('<Hangup/>');
		expect(answer(speak, urls, at('location'), '1', { visit, licensed: true }, name).next.step).toBe(
			'consent'
		);
		expect(
			answer(
				speak,
				urls,
				at('location'),
				'1',
				{ visit: { ...visit, consentCurrent: true }, licensed: true },
				name
			).effects
		).toEqual(['wait']);
		const held = answer(speak, urls, at('consent'), '1', { consentRecorded: true }, name);
		expect(held.twiml).toContain(
			'statusCallback="https://clinic.example.org/telephony/voice/conference?visit=a1"'
		);
		expect(held.twiml).toContain('statusCallbackEvent="join leave mute"');
		const declined = answer(speak, urls, at('consent'), '3', {}, name);
		expect(said(declined.twiml)).toEqual(['ivr:consent.declined']);
		// An agreement the service could not record does not put the caller through.
		expect(answer(speak, urls, at('consent'), '1', {}, name).next.step).toBe('consent');
	});

	test('somewhere else: the caller names the state on the keypad, chooses among states sharing the keys, and is asked to confirm it', () => {
		const visit = { state: 'TX', consentCurrent: false };
		const codes = ['TX', 'ME', 'MD', 'NE', 'ND', 'CO'];
		expect(keypadStates('89', codes)).toEqual(['TX']);
		expect(keypadStates('63', codes)).toEqual(['ME', 'MD', 'NE', 'ND']);
		expect(keypadStates('11', codes)).toEqual([]);

		const naming = answer(speak, urls, at('location'), '2', { visit }, name);
		expect(naming.next).toMatchObject({ step: 'state', namedState: null });
		expect(naming.twiml).toContain('numDigits="2"');
		expect(said(naming.twiml)[0]).toBe('ivr:state.ask');
		// Keys no state has are asked again.
		expect(said(answer(speak, urls, naming.next, '11', { namedStates: [] }, name).twiml)[0]).toBe(
			'ivr:invalid'
		);
		// Keys four states share: each is offered by name and number.
		const choosing = answer(speak, urls, naming.next, '63', { namedStates: ['ME', 'MD', 'NE', 'ND'] }, name);
		expect(choosing.next).toMatchObject({ step: 'state_choice', choices: ['ME', 'MD', 'NE', 'ND'] });
		expect(said(choosing.twiml).slice(0, 3)).toEqual([
			'ivr:state_choice.ask',
			'ivr:state.option{"state":"ME","digit":"1"}',
			'ivr:state.option{"state":"MD","digit":"2"}'
		]);
		expect(said(answer(speak, urls, choosing.next, '7', {}, name).twiml)[0]).toBe('ivr:invalid');
		const chosen = answer(speak, urls, choosing.next, '2', {}, name);
		expect(chosen.next).toMatchObject({ step: 'location', namedState: 'MD' });
		expect(said(chosen.twiml)[0]).toBe('ivr:location.ask{"state":"MD"}');
		// One state on the keys: asked about at once; a refusal names the state they are in.
		const texas = answer(speak, urls, naming.next, '89', { namedStates: ['TX'] }, name);
		expect(said(texas.twiml)[0]).toBe('ivr:location.ask{"state":"Texas"}');
		const refused = answer(speak, urls, chosen.next, '1', { visit, licensed: false }, name);
		expect(said(refused.twiml)).toEqual(['ivr:licensure.refused{"state":"MD"}']);
	});

	test('silence is asked again twice, then the caller is offered staff', () => {
		let state = at('code');
		for (const expected of [1, 2]) {
			const turn = answer(speak, urls, state, null, {}, name);
			expect(said(turn.twiml)[0]).toBe('ivr:no_input');
			state = turn.next;
			expect(state.misses).toBe(expected);
		}
		expect(answer(speak, urls, state, null, {}, name).twiml).toContain('<Dial>');
	});

	test('a call that has finished (locked, refused) goes no further, whatever is pressed', () => {
		const turn = answer(speak, urls, at('finished'), '1', { dobMatches: true }, name);
		expect(said(turn.twiml)).toEqual(['ivr:staff.unavailable']);
		expect(turn.twiml).not.toContain('<Conference');
	});
});
