import * as v from 'valibot';

/** What each person-facing channel carries, already rendered in the recipient's language. */
export const SmsPayload = v.object({ to: v.string(), body: v.string(), language: v.string() });
export const EmailPayload = v.object({
	to: v.string(),
	subject: v.string(),
	text: v.string(),
	language: v.string(),
	attachments: v.optional(
		v.array(v.object({ filename: v.string(), contentType: v.string(), content: v.string() }))
	)
});
export const VoicePayload = v.object({
	to: v.string(),
	say: v.string(),
	language: v.string(),
	/** The visit the call is about, when the patient may confirm it by keypad (1) or ask for a call (2). */
	appointmentId: v.optional(v.string()),
	keypad: v.optional(v.boolean())
});

export type SmsMessage = v.InferOutput<typeof SmsPayload>;
export type EmailMessage = v.InferOutput<typeof EmailPayload>;
export type VoiceMessage = v.InferOutput<typeof VoicePayload>;

/** One rendered view of a person-facing message, whatever its channel. */
export function describeMessage(
	channel: string,
	payload: unknown
): { recipient: string; subject: string | null; body: string; language: string } | undefined {
	if (channel === 'sms') {
		const m = v.safeParse(SmsPayload, payload);
		return m.success
			? { recipient: m.output.to, subject: null, body: m.output.body, language: m.output.language }
			: undefined;
	}
	if (channel === 'email') {
		const m = v.safeParse(EmailPayload, payload);
		return m.success
			? {
					recipient: m.output.to,
					subject: m.output.subject,
					body: m.output.text,
					language: m.output.language
				}
			: undefined;
	}
	if (channel === 'voice') {
		const m = v.safeParse(VoicePayload, payload);
		return m.success
			? { recipient: m.output.to, subject: null, body: m.output.say, language: m.output.language }
			: undefined;
	}
	return undefined;
}
