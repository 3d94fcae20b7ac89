import { Hl7Message } from '@medplum/core';
import { Message } from 'node-hl7-client';
import { describe, expect, test } from 'vitest';
import { buildMdmT02, type MdmInput } from './mdm';

const INPUT: MdmInput = {
	controlId: 'ehr-msg-0002',
	sentAt: new Date('2026-12-02T16:00:00Z'),
	sending: { application: 'ANYVISIT', facility: 'Riverbend Community Health' },
	receiving: { application: 'EHR', facility: 'RIVERBEND' },
	patient: {
		id: 'a1b2c3d4-0000-4000-8000-000000000001',
		mrn: 'RB100001',
		mrnAuthority: 'RIVERBEND',
		givenName: 'Rosa',
		familyName: 'Hernández',
		birthDate: '1979-04-12'
	},
	author: { npi: '1245319599', givenName: 'Daniel', familyName: 'Reyes' },
	visitId: '3f1c2a9e-0b7d-4c61-8f0e-5a1d2c3b4e5f',
	document: {
		id: '7d0e4b1a-2c3f-4a5b-9c8d-1e2f3a4b5c6d',
		typeCode: 'PN',
		loinc: { code: '11506-3', display: 'Progress note' },
		signedAt: new Date('2026-12-02T15:40:00Z'),
		text: 'S: Feels better; BP 128/82 at home.\n\nA/P: Continue lisinopril 10 mg | recheck in 3 months.'
	}
};

describe('MDM^T02 document messages', () => {
	test('a signed note is an MDM^T02 that both HL7 parsers read, with every required segment', () => {
		const er7 = buildMdmT02(INPUT);
		const message = Hl7Message.parse(er7);
		expect(message.header.getField(9).toString()).toBe('MDM^T02^MDM_T02');
		expect(message.header.getField(10).toString()).toBe('ehr-msg-0002');
		expect(message.segments.map((s) => s.name)).toEqual([
			'MSH',
			'EVN',
			'PID',
			'PV1',
			'TXA',
			'OBX',
			'OBX',
			'OBX'
		]);
		expect(message.getSegment('EVN')!.getField(1).toString()).toBe('T02');
		const pv1 = message.getSegment('PV1')!;
		expect(pv1.getField(2).toString()).toBe('O');
		expect(pv1.getField(7).getComponent(1)).toBe('1245319599');
		expect(pv1.getField(19).getComponent(1)).toBe(INPUT.visitId);
		// The library the interface engine side uses reads it too, as 2.5.1.
		expect(new Message({ text: er7 }).get('MSH.12').toString()).toBe('2.5.1');
	});

	test('TXA names the document, its author, its signing and that it is authenticated and available', () => {
		const txa = Hl7Message.parse(buildMdmT02(INPUT)).getSegment('TXA')!;
		expect(txa.getField(2).toString()).toBe('PN');
		expect(txa.getField(3).toString()).toBe('TX');
		expect(txa.getField(4).toString()).toBe('20261202154000+0000');
		expect(txa.getField(5).getComponent(2)).toBe('Reyes');
		expect(txa.getField(12).getComponent(1)).toBe(INPUT.document.id);
		expect(txa.getField(13).toString()).toBe('');
		expect(txa.getField(17).toString()).toBe('AU');
		expect(txa.getField(19).toString()).toBe('AV');
		expect(txa.getField(22).getComponent(1)).toBe('1245319599');
		expect(txa.getField(22).getComponent(15)).toBe('20261202154000+0000');
	});

	test('each line of the note is an OBX in order, with the LOINC type; delimiters in the text are escaped', () => {
		const obx = Hl7Message.parse(buildMdmT02(INPUT)).getAllSegments('OBX');
		expect(obx.map((s) => s.getField(1).toString())).toEqual(['1', '2', '3']);
		expect(obx.every((s) => s.getField(2).toString() === 'TX')).toBe(true);
		expect(obx[0]!.getField(3).toString()).toBe('11506-3^Progress note^LN');
		expect(obx[0]!.getField(5).toString()).toBe('S: Feels better; BP 128/82 at home.');
		expect(obx[1]!.getField(5).toString()).toBe('');
		expect(obx[2]!.getField(5).toString()).toBe('A/P: Continue lisinopril 10 mg \\F\\ recheck in 3 months.');
		expect(obx.every((s) => s.getField(11).toString() === 'F')).toBe(true);
	});

	test('an addendum names the note it adds to in TXA-13', () => {
		const parentId = '11111111-2222-4333-8444-555555555555';
		const txa = Hl7Message.parse(
			buildMdmT02({ ...INPUT, document: { ...INPUT.document, parentId } })
		).getSegment('TXA')!;
		expect(txa.getField(13).getComponent(1)).toBe(parentId);
	});
});
