import { describe, expect, test } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv';

describe('CSV (RFC 4180)', () => {
	test('records and fields, with CRLF or LF, and the line each record starts on', () => {
		expect(parseCsv('a,b,c\r\n1,2,3\n4,,6')).toEqual([
			{ line: 1, fields: ['a', 'b', 'c'] },
			{ line: 2, fields: ['1', '2', '3'] },
			{ line: 3, fields: ['4', '', '6'] }
		]);
	});

	test('quoted fields hold commas, doubled quotes and line breaks; line numbers count those breaks', () => {
		const records = parseCsv('name,note\r\n"Reyes, Daniel","said ""hi""\r\nthen left"\r\nnext,row\r\n');
		expect(records).toEqual([
			{ line: 1, fields: ['name', 'note'] },
			{ line: 2, fields: ['Reyes, Daniel', 'said "hi"\r\nthen left'] },
			{ line: 4, fields: ['next', 'row'] }
		]);
	});

	test('a byte-order mark and blank lines are ignored; a trailing empty field is kept', () => {
		expect(parseCsv('\uFEFFa,b\n\n1,\n')).toEqual([
			{ line: 1, fields: ['a', 'b'] },
			{ line: 3, fields: ['1', ''] }
		]);
	});

	test('an unterminated quote is an error naming its line', () => {
		expect(() => parseCsv('a,b\n1,"open\n2,3')).toThrow(CsvSyntaxError);
		try {
			parseCsv('a,b\n1,"open\n2,3');
		} catch (error) {
			expect((error as CsvSyntaxError).line).toBe(2);
		}
	});

	test('nothing at all is no records', () => {
		expect(parseCsv('')).toEqual([]);
		expect(parseCsv('\r\n\r\n')).toEqual([]);
	});
});
