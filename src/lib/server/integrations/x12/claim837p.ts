/**
 * The professional claim in ASC X12 005010X222A1 (HIPAA 837P) that AnyVisit sends for a visit. Loop
 * and segment names in comments (2300 CLM, 2400 SV1...) are the guide's. The telehealth facts travel
 * in two places: the place of service in CLM05-1 (and SV105 when a line differs) and the modifiers in
 * SV101-3.. (93, 95, FQ, G0), as the billing engine decided them.
 */
import {
	envelopeHeaders,
	isoDateToD8,
	isX12Identifier,
	writeInterchange,
	x12Text,
	segment,
	type Segment
} from './x12';

const IMPLEMENTATION = '005010X222A1';

export type ClaimParty = { name: string; id: string };

export type ProfessionalClaim = {
	/** Interchange sender and receiver (ISA06/08, GS02/03), as agreed with the clearinghouse. */
	submitter: ClaimParty & { contactName: string; contactPhone: string };
	receiver: ClaimParty;
	billingProvider: {
		name: string;
		npi: string;
		taxId: string;
		address: { line: string; city: string; state: string; zip: string };
	};
	renderingProvider: { givenName: string; familyName: string; npi: string };
	payer: ClaimParty & { filing: 'medicare' | 'medicaid' | 'commercial' };
	subscriber: {
		memberId: string;
		givenName: string;
		familyName: string;
		birthDate: string;
		gender: 'F' | 'M' | 'U';
		address: { line: string; city: string; state: string; zip: string };
		groupNumber?: string;
	};
	/** The clinic's claim id (CLM01), echoed back on the remittance. */
	claimId: string;
	/** ICD-10-CM codes without the dot, principal first (HI, ABK then ABF). */
	diagnoses: string[];
	/** Place of service for the claim (CLM05-1): 10 home, 02 other than home, ... */
	pos: string;
	lines: {
		code: string;
		modifiers: string[];
		chargeCents: number;
		units: number;
		dateOfService: string;
		pos?: string;
	}[];
	usage: 'T' | 'P';
};

export type ClaimControl = { interchange: number; group: number; transaction: string; now: Date };

/** SBR09 claim filing indicator: MB Medicare Part B, MC Medicaid, CI commercial insurance. */
const FILING = { medicare: 'MB', medicaid: 'MC', commercial: 'CI' } as const;

const money = (cents: number) => (cents / 100).toFixed(2).replace(/\.00$/, '');

/** What makes a claim unsendable, by field, before anything is written. */
export function claimProblems(claim: ProfessionalClaim): string[] {
	const problems: string[] = [];
	const npi = /^\d{10}$/;
	if (!npi.test(claim.billingProvider.npi)) problems.push('billingProvider.npi');
	if (!npi.test(claim.renderingProvider.npi)) problems.push('renderingProvider.npi');
	if (!/^\d{9}$/.test(claim.billingProvider.taxId)) problems.push('billingProvider.taxId');
	if (!isX12Identifier(claim.subscriber.memberId, 2, 80)) problems.push('subscriber.memberId');
	if (!isoDateToD8(claim.subscriber.birthDate)) problems.push('subscriber.birthDate');
	if (!isX12Identifier(claim.claimId, 1, 38)) problems.push('claimId');
	if (claim.diagnoses.length === 0 || claim.diagnoses.length > 12) problems.push('diagnoses');
	claim.diagnoses.forEach((dx, i) => {
		if (!/^[A-Z]\d[0-9A-Z]{1,5}$/.test(dx)) problems.push(`diagnoses.${i}`);
	});
	if (!/^\d{2}$/.test(claim.pos)) problems.push('pos');
	if (claim.lines.length === 0 || claim.lines.length > 50) problems.push('lines');
	claim.lines.forEach((line, i) => {
		if (!/^[A-Z0-9]{5}$/.test(line.code)) problems.push(`lines.${i}.code`);
		if (line.modifiers.length > 4 || line.modifiers.some((m) => !/^[A-Z0-9]{2}$/.test(m)))
			problems.push(`lines.${i}.modifiers`);
		if (!Number.isInteger(line.chargeCents) || line.chargeCents <= 0) problems.push(`lines.${i}.chargeCents`);
		if (!isoDateToD8(line.dateOfService)) problems.push(`lines.${i}.dateOfService`);
	});
	return problems;
}

/** Writes the 837P interchange; the caller has checked `claimProblems` is empty. */
export function buildClaim837p(claim: ProfessionalClaim, control: ClaimControl): string {
	const total = claim.lines.reduce((sum, line) => sum + line.chargeCents, 0);
	const address = (a: ProfessionalClaim['billingProvider']['address']) => [
		{ tag: 'N3', elements: [x12Text(a.line, 55)] },
		{ tag: 'N4', elements: [x12Text(a.city, 30), a.state, a.zip.replace(/\D/g, '')] }
	];
	const segments: Segment[] = [
		// Beginning of hierarchical transaction: 0019 information source/subscriber/dependent, 00 original, CH chargeable.
		{
			tag: 'BHT',
			elements: [
				'0019',
				'00',
				control.transaction,
				isoDateToD8(control.now.toISOString().slice(0, 10))!,
				control.now.toISOString().slice(11, 16).replace(':', ''),
				'CH'
			]
		},
		// 1000A submitter, 1000B receiver.
		{
			tag: 'NM1',
			elements: ['41', '2', x12Text(claim.submitter.name, 60), '', '', '', '', '46', claim.submitter.id]
		},
		{
			tag: 'PER',
			elements: [
				'IC',
				x12Text(claim.submitter.contactName, 60),
				'TE',
				claim.submitter.contactPhone.replace(/\D/g, '')
			]
		},
		{
			tag: 'NM1',
			elements: ['40', '2', x12Text(claim.receiver.name, 60), '', '', '', '', '46', claim.receiver.id]
		},
		// 2000A billing provider (HL 20), 2010AA its name, address and tax id.
		segment('HL*1**20*1'),
		{
			tag: 'NM1',
			elements: [
				'85',
				'2',
				x12Text(claim.billingProvider.name, 60),
				'',
				'',
				'',
				'',
				'XX',
				claim.billingProvider.npi
			]
		},
		...address(claim.billingProvider.address),
		{ tag: 'REF', elements: ['EI', claim.billingProvider.taxId] },
		// 2000B subscriber (HL 22; the patient is the subscriber, no 2000C), SBR09 the filing indicator.
		segment('HL*2*1*22*0'),
		{
			tag: 'SBR',
			elements: [
				'P',
				'18',
				claim.subscriber.groupNumber ?? '',
				'',
				'',
				'',
				'',
				'',
				FILING[claim.payer.filing]
			]
		},
		{
			tag: 'NM1',
			elements: [
				'IL',
				'1',
				x12Text(claim.subscriber.familyName, 60),
				x12Text(claim.subscriber.givenName, 35),
				'',
				'',
				'',
				'MI',
				claim.subscriber.memberId
			]
		},
		...address(claim.subscriber.address),
		{ tag: 'DMG', elements: ['D8', isoDateToD8(claim.subscriber.birthDate)!, claim.subscriber.gender] },
		// 2010BB payer.
		{
			tag: 'NM1',
			elements: ['PR', '2', x12Text(claim.payer.name, 60), '', '', '', '', 'PI', claim.payer.id]
		},
		// 2300 claim: CLM05 = place of service : B (professional) : 1 (original claim).
		{ tag: 'CLM', elements: [claim.claimId, money(total), '', '', `${claim.pos}:B:1`, 'Y', 'A', 'Y', 'Y'] },
		{
			tag: 'HI',
			elements: claim.diagnoses.map((dx, i) => `${i === 0 ? 'ABK' : 'ABF'}:${dx}`)
		},
		// 2310B rendering provider.
		{
			tag: 'NM1',
			elements: [
				'82',
				'1',
				x12Text(claim.renderingProvider.familyName, 60),
				x12Text(claim.renderingProvider.givenName, 35),
				'',
				'',
				'',
				'XX',
				claim.renderingProvider.npi
			]
		}
	];
	claim.lines.forEach((line, i) => {
		const pointers = claim.diagnoses
			.slice(0, 4)
			.map((_, k) => String(k + 1))
			.join(':');
		segments.push(
			{ tag: 'LX', elements: [String(i + 1)] },
			// SV101: HC (HCPCS/CPT) : code : up to four modifiers; SV105 only when the line's POS differs.
			{
				tag: 'SV1',
				elements: [
					['HC', line.code, ...line.modifiers].join(':'),
					money(line.chargeCents),
					'UN',
					String(line.units),
					line.pos && line.pos !== claim.pos ? line.pos : '',
					'',
					pointers
				]
			},
			{ tag: 'DTP', elements: ['472', 'D8', isoDateToD8(line.dateOfService)!] }
		);
	});
	return writeInterchange({
		...envelopeHeaders({
			sender: claim.submitter.id,
			receiver: claim.receiver.id,
			at: control.now,
			interchange: control.interchange,
			group: control.group,
			usage: claim.usage,
			functionalId: 'HC',
			implementation: IMPLEMENTATION
		}),
		st: ['837', control.transaction, IMPLEMENTATION],
		segments
	});
}
