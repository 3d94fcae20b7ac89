import { randomBytes } from 'node:crypto';
import { twilioSignature } from '../integrations/twilio/webhook';
import { AppError } from '../platform/errors';

/** What one TwiML answer asks of the phone, as the simulator shows it. */
export type SimulatedTurn = {
	says: { text: string; language: string }[];
	/** Where the next keypad answer goes (a path on this app), or null when nothing is gathered. */
	gather: { path: string; numDigits: number | null } | null;
	conference: string | null;
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
	const says = [...twiml.matchAll(/<Say([^>]*)>([^<]*)<\/Say>/g)].map((m) => ({
		text: unescape(m[2]!),
		language: /language="([^"]+)"/.exec(m[1]!)?.[1] ?? 'en-US'
	}));
	const gather = /<Gather([^>]*)>/.exec(twiml);
	const action = gather ? /action="([^"]+)"/.exec(gather[1]!)?.[1] : undefined;
	const digits = gather ? /numDigits="(\d+)"/.exec(gather[1]!)?.[1] : undefined;
	const conference = /<Conference[^>]*>([^<]+)<\/Conference>/.exec(twiml)?.[1] ?? null;
	const dial = conference ? null : (/<Dial[^>]*>([^<]+)<\/Dial>/.exec(twiml)?.[1] ?? null);
	return {
		says,
		gather: action
			? { path: new URL(unescape(action)).pathname, numDigits: digits ? Number(digits) : null }
			: null,
		conference,
		dial,
		hangup: twiml.includes('<Hangup/>')
	};
}

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
