import { randomBytes } from 'node:crypto';
import { twilioSignature } from '../integrations/twilio/webhook';
import { AppError } from '../platform/errors';
import type { SimulatedPhoneLine } from '../integrations/phone/simulated';

/** What one TwiML answer asks of the phone, as the simulator shows it. */
export type SimulatedTurn = {
	says: { text: string; language: string; audio?: string }[];
	/** Where the next keypad answer goes (a path on this app), or null when nothing is gathered. */
	gather: { path: string; numDigits: number | null } | null;
	conference: string | null;
	/** Where the conference reports participants joining and leaving (a path on this app). */
	conferenceEvents: string | null;
	dial: string | null;
	hangup: boolean;
};

const unescape = (text: string) =>
	text
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&amp;/g, '&');

/** Reads the TwiML AnyVisit's own IVR writes (Say, Gather, Dial, Conference, Hangup). */
export function readTwiml(twiml: string): SimulatedTurn {
	// A recorded prompt (<Play>) is shown by its file and played from this app.
	const says = [...twiml.matchAll(/<Say([^>]*)>([^<]*)<\/Say>|<Play[^>]*>([^<]*)<\/Play>/g)].map((m) =>
		m[3] !== undefined
			? {
					text: unescape(m[3]).replace(/^.*\/audio\//, ''),
					language: 'ht',
					audio: new URL(unescape(m[3])).pathname
				}
			: { text: unescape(m[2]!), language: /language="([^"]+)"/.exec(m[1]!)?.[1] ?? 'en-US' }
	);
	const gather = /<Gather([^>]*)>/.exec(twiml);
	const action = gather ? /action="([^"]+)"/.exec(gather[1]!)?.[1] : undefined;
	const digits = gather ? /numDigits="(\d+)"/.exec(gather[1]!)?.[1] : undefined;
	const conferenceTag = /<Conference([^>]*)>([^<]+)<\/Conference>/.exec(twiml);
	const conference = conferenceTag?.[2] ?? null;
	const events = conferenceTag ? /statusCallback="([^"]+)"/.exec(conferenceTag[1]!)?.[1] : undefined;
	const dial = conference ? null : (/<Dial[^>]*>([^<]+)<\/Dial>/.exec(twiml)?.[1] ?? null);
	return {
		says,
		gather: action ? { path: pathOf(unescape(action)), numDigits: digits ? Number(digits) : null } : null,
		conference,
		conferenceEvents: events ? pathOf(unescape(events)) : null,
		dial,
		hangup: twiml.includes('<Hangup/>')
	};
}

const pathOf = (url: string) => {
	const { pathname, search } = new URL(url);
	return pathname + search;
};

/** A CallSid in Twilio's format, for a simulated call. */
export const simulatedCallSid = () => `CA${randomBytes(16).toString('hex')}`;

/**
 * Posts a voice webhook to this app exactly as Twilio would: form fields, signed with the auth token
 * over the URL the app will see (PUBLIC_BASE_URL when set). Development only: the caller checks.
 */
export async function postSignedWebhook(
	fetcher: typeof fetch,
	options: { origin: string; publicBaseUrl: string | undefined; authToken: string | null },
	path: string,
	params: Record<string, string>
): Promise<SimulatedTurn> {
	if (!options.authToken || !path.startsWith('/telephony/voice/')) throw new AppError('BAD_REQUEST');
	const signedUrl = new URL(path, options.publicBaseUrl ?? options.origin).toString();
	const response = await fetcher(new URL(path, options.origin), {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			'x-twilio-signature': twilioSignature(options.authToken, signedUrl, params)
		},
		body: new URLSearchParams(params).toString()
	});
	if (!response.ok) throw new AppError('UNAVAILABLE');
	return readTwiml(await response.text());
}

type Post = (path: string, params: Record<string, string>) => Promise<SimulatedTurn>;

/**
 * The simulator picks up a call AnyVisit placed (ringing in the simulated carrier), in Twilio's order:
 * the answered status callback, the call's TwiML, then its join to the conference that TwiML names.
 */
export async function answerPlacedCall(
	post: Post,
	line: SimulatedPhoneLine,
	callSid: string,
	clinicLine: string
): Promise<SimulatedTurn | null> {
	const call = line.mark(callSid, 'answered');
	if (!call) return null;
	const params = { CallSid: callSid, From: clinicLine, To: call.to, Direction: 'outbound-api' };
	await post(pathOf(call.statusCallback), { ...params, CallStatus: 'in-progress' });
	const turn = await post(pathOf(call.answerUrl), { ...params, CallStatus: 'in-progress' });
	if (turn.conferenceEvents) {
		await post(turn.conferenceEvents, {
			CallSid: callSid,
			StatusCallbackEvent: 'participant-join',
			Muted: 'false'
		});
	}
	return turn;
}

/** The simulator hangs up (or declines) a placed call: it leaves the conference, and the call completes. */
export async function hangUpPlacedCall(
	post: Post,
	line: SimulatedPhoneLine,
	callSid: string,
	clinicLine: string,
	conferenceEvents: string | null
): Promise<void> {
	const call = line.calls().find((c) => c.callSid === callSid);
	if (!call || call.status === 'completed') return;
	line.mark(callSid, 'completed');
	if (call.status === 'answered' && conferenceEvents) {
		await post(conferenceEvents, {
			CallSid: callSid,
			StatusCallbackEvent: 'participant-leave',
			Muted: 'false'
		});
	}
	await post(pathOf(call.statusCallback), {
		CallSid: callSid,
		From: clinicLine,
		To: call.to,
		CallStatus: call.status === 'answered' ? 'completed' : 'no-answer'
	});
}
