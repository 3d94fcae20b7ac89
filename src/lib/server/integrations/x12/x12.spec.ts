import { X12Parser } from 'node-x12';
import { describe, expect, test } from 'vitest';
import { isoDateToD8, isX12Identifier, readInterchange, segment, writeInterchange, x12Text } from './x12';

describe('text and identifiers in elements', () => {
	test.each([
		['Hernández', 60, 'HERNANDEZ'],
		["O'Brien*Smith~Jr", 60, "O'BRIEN SMITH JR"],
		['Ana:María^José', 35, 'ANA MARIA JOSE'],
		['  Nguyễn   Thị  ', 35, 'NGUYEN THI'],
		['Straße', 35, 'STRASSE'],
		['Łukasz', 35, 'UKASZ'],
		['李', 35, ''],
		['Tab\tand\nnewline', 35, 'TAB AND NEWLINE'],
		['A'.repeat(40) + ' B', 35, 'A'.repeat(35)],
		['Short Name Cut Here', 10, 'SHORT NAME']
	])('x12Text(%j, %i) is %j', (text, max, expected) => {
		expect(x12Text(text, max)).toBe(expected);
	});

	test.each([
		['W22004471', true],
		['ACT-TH 0001', true],
		['W22*004471', false],
		['W22~004471', false],
		['W22:004471', false],
		['W22^004471', false],
		[' W22004471', false],
		['W22004471 ', false],
		['W22\n004471', false],
		['W', false],
		['Ñ22004471', false],
		[42, false]
	])('isX12Identifier(%j, 2, 80) is %s', (value, expected) => {
		expect(isX12Identifier(value, 2, 80)).toBe(expected);
	});

	test.each([
		['2026-12-02', '20261202'],
		['2024-02-29', '20240229'],
		['2026-02-29', undefined],
		['2026-13-01', undefined],
		['2026-12-2', undefined],
		['12/02/2026', undefined],
		[undefined, undefined]
	])('isoDateToD8(%j) is %j', (date, expected) => {
		expect(isoDateToD8(date)).toBe(expected);
	});
});

describe('writing and reading an interchange', () => {
	const spec = {
		isa: [
			'00',
			'',
			'00',
			'',
			'ZZ',
			'ANYVISIT',
			'ZZ',
			'SBXCLEARING',
			'261130',
			'1504',
			'^',
			'00501',
			'9',
			'0',
			'T',
			':'
		],
		gs: ['HS', 'ANYVISIT', 'SBXCLEARING', '20261130', '1504', '9', 'X', '005010X279A1'],
		st: ['270', '0009', '005010X279A1'],
		segments: ['BHT*0022*13*T*20261130*1504', 'NM1*IL*1*DOE*JANE****MI*W1****', 'EQ*30'].map(segment)
	};

	test('trailing empty elements are not written (no segment ends with a delimiter)', () => {
		const text = writeInterchange(spec);
		expect(text).toContain('~NM1*IL*1*DOE*JANE****MI*W1~');
		expect(text).not.toMatch(/\*~/);
		expect(new X12Parser(true).parse(text)).toBeTruthy();
	});

	test('reads back the envelope, the body and the repetition separator', () => {
		const read = readInterchange(writeInterchange(spec));
		if (!read.ok) throw new Error(read.reason);
		expect(read.read.st.elements).toEqual(['270', '0009', '005010X279A1']);
		expect(read.read.segments.map((s) => s.tag)).toEqual(['BHT', 'NM1', 'EQ']);
		expect(read.read.repetitionSeparator).toBe('^');
	});

	test('a pre-005010 ISA11 (U) is not taken for a repetition separator', () => {
		const read = readInterchange(
			writeInterchange({ ...spec, isa: spec.isa.with(10, 'U').with(11, '00401') })
		);
		if (!read.ok) throw new Error(read.reason);
		expect(read.read.repetitionSeparator).toBe('');
	});

	test('a leading byte order mark or blank line does not hide the ISA', () => {
		expect(readInterchange(`\uFEFF\r\n${writeInterchange(spec)}`).ok).toBe(true);
	});
});
