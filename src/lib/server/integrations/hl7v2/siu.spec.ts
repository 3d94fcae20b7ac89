import { Hl7Message } from '@medplum/core';
import { describe, expect, test } from 'vitest';
import { escapeHl7, hl7Time, readAck } from './er7';
import { buildSiu, type SiuInput } from './siu';

const INPUT: SiuInput = {
	event: 'S12',
	controlId: 'ehr-msg-0001',
	sentAt: new Date('2026-11-30T15:00:00Z'),
	sending: { application: 'ANYVISIT', facility: 'Riverbend Community Health' },
	receiving: { application: 'EHR', facility: 'RIVERBEND' },
	appointment: {
		id: '3f1c2a9e-0b7d-4c61-8f0e-5a1d2c3b4e5f',
		start: new Date('2026-12-02T15:00:00Z'),
		end: new Date('2026-12-02T15:20:00Z'),
		status: 'booked',
		visitTypeCode: 'follow-up',
		modality: 'video'
	},
	patient: {
		id: 'a1b2c3d4-0000-4000-8000-000000000001',
		mrn: 'RB100001',
		mrnAuthority: 'RIVERBEND',
		givenName: 'Rosa',
		familyName: 'Hernández',
		birthDate: '1979-04-12'
	},
	clinician: { npi: '1245319599', givenName: 'Daniel', familyName: 'Reyes' }
};

describe('SIU scheduling messages', () => {
	test('a booking is an SIU^S12 that the HL7 parser reads back, with every required segment', () => {
		const message = Hl7Message.parse(buildSiu(INPUT));
		expect(message.header.getField(9).toString()).toBe('SIU^S12^SIU_S12');
		expect(message.header.getField(10).toString()).toBe('ehr-msg-0001');
		expect(message.header.getField(12).toString()).toBe('2.5.1');
		expect(message.segments.map((s) => s.name)).toEqual(['MSH', 'SCH', 'PID', 'RGS', 'AIS', 'AIP']);
		const sch = message.getSegment('SCH')!;
		expect(sch.getField(1).getComponent(1)).toBe(INPUT.appointment.id);
		expect(sch.getField(11).getComponent(4)).toBe('20261202150000+0000');
		expect(sch.getField(11).getComponent(5)).toBe('20261202152000+0000');
		expect(sch.getField(25).toString()).toBe('Booked');
		const pid = message.getSegment('PID')!;
		expect(pid.getField(3).getComponent(1, undefined, 0)).toBe('RB100001');
		expect(pid.getField(3).getComponent(5, undefined, 0)).toBe('MR');
		expect(pid.getField(5).getComponent(1)).toBe('Hernández');
		expect(pid.getField(7).toString()).toBe('19790412');
		const aip = message.getSegment('AIP')!;
		expect(aip.getField(3).getComponent(1)).toBe('1245319599');
		expect(aip.getField(3).getComponent(9)).toBe('NPI');
	});

	test('a reschedule is S13 and a cancellation S15 with the Cancelled status', () => {
		expect(
			Hl7Message.parse(buildSiu({ ...INPUT, event: 'S13' }))
				.header.getField(9)
				.getComponent(2)
		).toBe('S13');
		const cancelled = Hl7Message.parse(
			buildSiu({ ...INPUT, event: 'S15', appointment: { ...INPUT.appointment, status: 'cancelled' } })
		);
		expect(cancelled.header.getField(9).getComponent(2)).toBe('S15');
		expect(cancelled.getSegment('SCH')!.getField(25).toString()).toBe('Cancelled');
	});

	test('delimiters in names are escaped, so a name cannot break the message', () => {
		expect(escapeHl7('A|B^C~D\\E&F')).toBe('A\\F\\B\\S\\C\\R\\D\\E\\E\\T\\F');
		const message = Hl7Message.parse(
			buildSiu({ ...INPUT, patient: { ...INPUT.patient, familyName: "O'Brien^Smith|X" } })
		);
		expect(message.segments.map((s) => s.name)).toEqual(['MSH', 'SCH', 'PID', 'RGS', 'AIS', 'AIP']);
		expect(message.getSegment('PID')!.getField(5).getComponent(1)).toBe("O'Brien\\S\\Smith\\F\\X");
	});

	test('a patient without an MRN is identified by AnyVisit’s id alone', () => {
		const message = Hl7Message.parse(buildSiu({ ...INPUT, patient: { ...INPUT.patient, mrn: null } }));
		expect(message.getSegment('PID')!.getField(3).toString()).toBe(`${INPUT.patient.id}^^^ANYVISIT^PI`);
	});

	test('ACKs: AA accepts; AE and AR are failures; a reply without MSA is unreadable', () => {
		expect(
			readAck('MSH|^~\\&|EHR||ANYVISIT||20261130150001||ACK^S12|a1|P|2.5.1\rMSA|AA|ehr-msg-0001')
		).toEqual({
			code: 'AA',
			controlId: 'ehr-msg-0001',
			text: ''
		});
		expect(readAck('MSH|^~\\&|EHR\rMSA|AE|ehr-msg-0001|Unknown patient').code).toBe('AE');
		expect(readAck('MSH|^~\\&|EHR\rMSA|AR|ehr-msg-0001').code).toBe('AR');
		expect(readAck('garbage')).toMatchObject({ code: '', text: 'no MSA segment' });
		expect(hl7Time(new Date('2026-01-02T03:04:05Z'))).toBe('20260102030405+0000');
	});
});
