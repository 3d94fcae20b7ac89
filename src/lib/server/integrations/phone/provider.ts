/**
 * Calls AnyVisit places into a visit (ARCHITECTURE.md principle 1: one adapter per external system):
 * Twilio Programmable Voice in production, a simulated carrier that the development phone simulator
 * answers when Twilio is not configured. The visit decides whom to call and when; a line only dials.
 */
export type PlacedCall = {
	to: string;
	/** The webhook whose TwiML the answered call runs (it joins the visit's conference). */
	answerUrl: string;
	/** The webhook told when the call rings, is answered and ends. */
	statusCallback: string;
	/** Keys pressed once the far end answers (an interpreter service's language code). */
	sendDigits?: string;
};

export type PhoneLine = {
	kind: 'twilio' | 'simulated';
	/** Places the call; resolves with its CallSid once the carrier accepted it. */
	dial(call: PlacedCall): Promise<{ callSid: string }>;
	/** Ends a call in whatever state it is (ringing or answered); ending an ended call is harmless. */
	hangUp(callSid: string): Promise<void>;
};
