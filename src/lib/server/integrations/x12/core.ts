/**
 * The CAQH CORE Connectivity Rule vC2.2.0 envelope over HTTP: MIME multipart/form-data whose fields
 * carry the metadata (the rule's table of CORE envelope metadata, §4.4.2) and the X12 payload, one
 * request and one response in real time.
 */

export const CORE_RULE_VERSION = '2.2.0';
export const PAYLOAD_TYPE_270 = 'X12_270_Request_005010X279A1';
export const PAYLOAD_TYPE_271 = 'X12_271_Response_005010X279A1';
/** Batch submission of professional claims, and the receipt that the batch was taken (not yet checked). */
export const PAYLOAD_TYPE_837P = 'X12_837_Request_005010X222A1';
export const PAYLOAD_TYPE_BATCH_RECEIPT = 'X12_BatchReceiptConfirmation';

export type CoreRealTimeRequest = {
	/** An ISO UUID (RFC 4122), new for every request. */
	payloadId: string;
	timeStamp: Date;
	senderId: string;
	receiverId: string;
	/** CORE username/password submitter authentication, sent as the UserName and Password fields. */
	username: string;
	password: string;
	payload: string;
	/** Real time (270) unless said; claims go in batch mode. */
	payloadType?: string;
	processingMode?: 'RealTime' | 'Batch';
};

const CRLF = '\r\n';

/** TimeStamp: XML Schema dateTime in UTC, to the second (e.g. 2007-08-30T10:20:34Z). */
export function coreTimeStamp(at: Date): string {
	return `${at.toISOString().slice(0, 19)}Z`;
}

/**
 * The multipart body of a real-time 270 request, fields in the order of the rule's HTTP MIME
 * example. The boundary must not occur in any field (it cannot in a UUID-based one, but the
 * payload and credentials are checked rather than trusted).
 */
export function coreRequestBody(
	request: CoreRealTimeRequest,
	boundary: string
): { contentType: string; body: string } {
	const fields: [string, string][] = [
		['PayloadType', request.payloadType ?? PAYLOAD_TYPE_270],
		['ProcessingMode', request.processingMode ?? 'RealTime'],
		['PayloadID', request.payloadId],
		['TimeStamp', coreTimeStamp(request.timeStamp)],
		['UserName', request.username],
		['Password', request.password],
		['SenderID', request.senderId],
		['ReceiverID', request.receiverId],
		['CORERuleVersion', CORE_RULE_VERSION],
		['Payload', request.payload]
	];
	if (!/^[A-Za-z0-9'()+_,.\-/:=?]{1,70}$/.test(boundary) || fields.some(([, v]) => v.includes(boundary)))
		throw new RangeError('The multipart boundary is not usable for this request');
	const body =
		fields
			.map(([name, value]) =>
				[`--${boundary}`, `Content-Disposition: form-data; name="${name}"`, '', value].join(CRLF)
			)
			.join(CRLF) + `${CRLF}--${boundary}--${CRLF}`;
	return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}

/**
 * The fields of a multipart answer by name (RFC 7578/2046: a part's value ends at the line break
 * before the next `--boundary`). Line breaks may be CRLF, as the rule requires, or bare LF, as some
 * servers send. Undefined when the answer is not multipart, has no boundary or was cut off.
 */
export function readCoreFields(contentType: string, body: string): Map<string, string> | undefined {
	if (!/^\s*multipart\//i.test(contentType)) return undefined;
	const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	const delimiter = `--${boundary?.[1] ?? boundary?.[2] ?? ''}`;
	if (delimiter === '--') return undefined;
	const fields = new Map<string, string>();
	let closed = false;
	// The first chunk is the preamble; a chunk starting with '--' follows the closing delimiter.
	for (const chunk of body.split(delimiter).slice(1)) {
		if (chunk.startsWith('--')) {
			closed = true;
			break;
		}
		const part = chunk.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n$/, '');
		const split = /\r?\n\r?\n/.exec(part);
		if (!split) continue;
		const headers = part.slice(0, split.index);
		const name = /^content-disposition:[^\n]*?\bname="([^"]*)"/im.exec(headers)?.[1];
		if (name !== undefined && !fields.has(name)) fields.set(name, part.slice(split.index + split[0].length));
	}
	// Without the closing delimiter the answer was cut off, and the last field with it.
	return closed ? fields : undefined;
}
