import * as v from 'valibot';
import { AppError, validationFailed, type FieldIssue } from '../errors';

// Control characters other than tab and newline have no place in text a person typed.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Free text from a person: trimmed, bounded, and free of markup. Svelte escapes on output, but
 * text also travels to SMS, HL7 and the EHR, so markup is refused at the door with a clear message.
 */
export const plainText = (max: number) =>
	v.pipe(
		v.string('errors:field.type_string'),
		v.trim(),
		v.nonEmpty('errors:field.required'),
		v.maxLength(max, 'errors:field.too_long'),
		v.check((s) => !/[<>]/.test(s), 'errors:field.markup'),
		v.check((s) => !CONTROL.test(s), 'errors:field.control_chars')
	);

export const uuid = v.pipe(v.string('errors:field.type_string'), v.uuid('errors:field.invalid_id'));

function issueToField(issue: v.BaseIssue<unknown>): FieldIssue {
	const path = v.getDotPath(issue) ?? '';
	if (issue.type === 'strict_object' && issue.kind === 'schema' && issue.expected === 'never') {
		return { field: path, key: 'errors:field.unknown' };
	}
	if (issue.message.startsWith('errors:')) {
		const params: Record<string, string | number> = {};
		if (typeof issue.requirement === 'number') params.max = issue.requirement;
		return { field: path, key: issue.message, params };
	}
	if (issue.kind === 'schema') {
		return issue.received === 'undefined'
			? { field: path, key: 'errors:field.required' }
			: { field: path, key: 'errors:field.type', params: { expected: issue.expected ?? '' } };
	}
	return { field: path, key: 'errors:field.invalid' };
}

/** Parses input with a schema or throws a VALIDATION error listing every field's problem. */
export function parseInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
	const result = v.safeParse(schema, input, { abortPipeEarly: true });
	if (result.success) return result.output;
	throw validationFailed(result.issues.map(issueToField));
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a JSON body with a size cap and validates it; every failure is a localized 4xx. A field that
 * fails the schema is a 422 VALIDATION, or the 400 INVALID_REQUEST where a public contract says so
 * (`invalid: 'INVALID_REQUEST'`).
 */
export async function readJson<S extends v.GenericSchema>(
	request: Request,
	schema: S,
	options: { maxBytes?: number; invalid?: 'VALIDATION' | 'INVALID_REQUEST' } = {}
): Promise<v.InferOutput<S>> {
	const maxBytes = options.maxBytes ?? 16 * 1024;
	if (!JSON_TYPE.test(request.headers.get('content-type') ?? '')) {
		throw new AppError('UNSUPPORTED_MEDIA_TYPE');
	}
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', { max: maxBytes });
	const text = await readCapped(request, maxBytes);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new AppError('MALFORMED_JSON');
	}
	const result = v.safeParse(schema, body, { abortPipeEarly: true });
	if (result.success) return result.output;
	const fields = result.issues.map(issueToField);
	throw options.invalid === 'INVALID_REQUEST'
		? new AppError('INVALID_REQUEST', {}, fields)
		: validationFailed(fields);
}

/** Reads a text body of one of the given media types (CSV, plain text) with a size cap. */
export async function readText(
	request: Request,
	options: { type: RegExp; maxBytes: number }
): Promise<string> {
	if (!options.type.test(request.headers.get('content-type') ?? ''))
		throw new AppError('UNSUPPORTED_MEDIA_TYPE');
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > options.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', { max: options.maxBytes });
	return readCapped(request, options.maxBytes);
}

async function readCapped(request: Request, maxBytes: number): Promise<string> {
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel();
			throw new AppError('PAYLOAD_TOO_LARGE', { max: maxBytes });
		}
		chunks.push(value);
	}
	return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}
