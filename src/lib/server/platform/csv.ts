/**
 * Parses CSV as RFC 4180 describes it: fields separated by commas, records by CRLF or LF, a field in
 * double quotes may hold commas, line breaks and doubled quotes (""). A leading byte-order mark (as
 * spreadsheet programs write) is dropped. Returns each record with its 1-based line number, so an
 * error report can point at the line a person sees in their editor. Blank lines are skipped.
 */
export type CsvRecord = { line: number; fields: string[] };

export class CsvSyntaxError extends Error {
	constructor(readonly line: number) {
		super(`Unterminated quoted field starting on line ${line}`);
		this.name = 'CsvSyntaxError';
	}
}

export function parseCsv(text: string): CsvRecord[] {
	const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
	const records: CsvRecord[] = [];
	let fields: string[] = [];
	let field = '';
	let line = 1;
	let recordLine = 1;
	let i = 0;
	const endRecord = () => {
		fields.push(field);
		if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
		fields = [];
		field = '';
	};
	while (i < source.length) {
		const c = source[i];
		if (c === '"' && field === '') {
			const opened = line;
			i++;
			for (;;) {
				if (i >= source.length) throw new CsvSyntaxError(opened);
				const q = source[i];
				if (q === '"') {
					if (source[i + 1] === '"') {
						field += '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (q === '\n') line++;
				field += q;
				i++;
			}
			continue;
		}
		if (c === ',') {
			fields.push(field);
			field = '';
			i++;
			continue;
		}
		if (c === '\r' || c === '\n') {
			endRecord();
			i += c === '\r' && source[i + 1] === '\n' ? 2 : 1;
			line++;
			recordLine = line;
			continue;
		}
		field += c;
		i++;
	}
	if (field !== '' || fields.length > 0) endRecord();
	return records;
}
