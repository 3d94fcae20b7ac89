import type {
	AllergyIntolerance,
	Condition,
	DocumentReference,
	MedicationStatement,
	Observation,
	Organization,
	Patient,
	Practitioner,
	Resource
} from '@medplum/fhirtypes';
import { DEMO_ORGANIZATION, DEMO_PATIENTS, DEMO_STAFF } from '../lib/server/demo/people';
import type { JournalRepository } from './journal';

// Synthetic charts for the demo patients (DEMO_PATIENTS), written once into an empty sandbox EHR.
// Codes: LOINC for observations, SNOMED CT for problems and allergies, RxNorm for medications.
export const DEMO_MRN_SYSTEM = 'urn:oid:2.16.840.1.113883.19.5';
const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** A valid NPI (Luhn check digit over the prefix 80840, as CMS defines it) for a nine-digit base. */
export function npi(base: string): string {
	const digits = `80840${base}`.split('').map(Number);
	let sum = 0;
	for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
		let d = digits[i]!;
		if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	return `${base}${(10 - (sum % 10)) % 10}`;
}

/** Deterministic pseudo-random numbers (mulberry32), so every sandbox gets the same charts. */
function random(seed: number) {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Lab = {
	loinc: string;
	name: string;
	value: number;
	unit: string;
	low?: number;
	high?: number;
	daysAgo: number;
};
type Trend = { bp?: [number, number]; glucose?: number; weight?: [number, number]; spo2?: number };
type Chart = {
	gender: 'female' | 'male';
	/** Where the patient lives (invented): the claim's subscriber address comes from here. */
	home: { line: string; city: string; postalCode: string };
	problems: { snomed: string; name: string; since: string }[];
	medications: { rxnorm: string; name: string; dosage: string }[];
	allergies: { snomed?: string; name: string; reaction?: string }[];
	labs: Lab[];
	trend: Trend;
	notes: { daysAgo: number; text: string }[];
};

const CHARTS: Record<string, Chart> = {
	Rosa: {
		gender: 'female',
		home: { line: '1412 Pecan Hollow Dr', city: 'Austin', postalCode: '78741' },
		problems: [
			{ snomed: '44054006', name: 'Type 2 diabetes mellitus', since: '2019-03-02' },
			{ snomed: '38341003', name: 'Hypertensive disorder', since: '2021-06-15' }
		],
		medications: [
			{
				rxnorm: '861007',
				name: 'metformin hydrochloride 500 MG Oral Tablet',
				dosage: '1 tablet twice daily with meals'
			},
			{ rxnorm: '314076', name: 'lisinopril 10 MG Oral Tablet', dosage: '1 tablet once daily' }
		],
		allergies: [{ snomed: '91936005', name: 'Allergy to penicillin', reaction: 'Hives' }],
		labs: [
			{
				loinc: '4548-4',
				name: 'Hemoglobin A1c/Hemoglobin.total in Blood',
				value: 8.1,
				unit: '%',
				low: 4,
				high: 5.6,
				daysAgo: 21
			},
			{
				loinc: '2160-0',
				name: 'Creatinine [Mass/volume] in Serum or Plasma',
				value: 0.8,
				unit: 'mg/dL',
				low: 0.6,
				high: 1.1,
				daysAgo: 21
			},
			{
				loinc: '13457-7',
				name: 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation',
				value: 118,
				unit: 'mg/dL',
				high: 100,
				daysAgo: 21
			}
		],
		trend: { bp: [146, 92], glucose: 162, weight: [78.4, 77.6], spo2: 97 },
		notes: [
			{
				daysAgo: 30,
				text: 'Follow-up for diabetes. Glucose log reviewed; fasting values 140-180. Metformin continued; diet counselling in Spanish. Recheck A1c in 3 months.'
			}
		]
	},
	Layla: {
		gender: 'female',
		home: { line: '2208 W Devon Ave Apt 3', city: 'Chicago', postalCode: '60659' },
		problems: [
			{ snomed: '195967001', name: 'Asthma', since: '2010-09-01' },
			{ snomed: '197480006', name: 'Anxiety disorder', since: '2023-02-10' }
		],
		medications: [
			{
				rxnorm: '745679',
				name: 'albuterol 0.09 MG/ACTUAT Metered Dose Inhaler',
				dosage: '2 puffs every 4 hours as needed'
			},
			{ rxnorm: '312940', name: 'sertraline 50 MG Oral Tablet', dosage: '1 tablet once daily' }
		],
		allergies: [],
		labs: [
			{
				loinc: '718-7',
				name: 'Hemoglobin [Mass/volume] in Blood',
				value: 11.2,
				unit: 'g/dL',
				low: 12,
				high: 15.5,
				daysAgo: 45
			}
		],
		trend: { bp: [118, 76], weight: [62.1, 62.0], spo2: 96 },
		notes: [
			{
				daysAgo: 60,
				text: 'Counselling visit with Arabic interpreter. Anxiety improving on sertraline; sleep better. Continue current dose.'
			}
		]
	},
	Marcus: {
		gender: 'male',
		home: { line: '745 Alpine Ave', city: 'Boulder', postalCode: '80304' },
		problems: [{ snomed: '38341003', name: 'Hypertensive disorder', since: '2022-01-20' }],
		medications: [{ rxnorm: '197361', name: 'amlodipine 5 MG Oral Tablet', dosage: '1 tablet once daily' }],
		allergies: [{ snomed: '91939003', name: 'Allergy to sulfonamide', reaction: 'Rash' }],
		labs: [
			{
				loinc: '2823-3',
				name: 'Potassium [Moles/volume] in Serum or Plasma',
				value: 4.2,
				unit: 'mmol/L',
				low: 3.5,
				high: 5.1,
				daysAgo: 14
			},
			{
				loinc: '2160-0',
				name: 'Creatinine [Mass/volume] in Serum or Plasma',
				value: 1.0,
				unit: 'mg/dL',
				low: 0.7,
				high: 1.3,
				daysAgo: 14
			}
		],
		trend: { bp: [132, 84], weight: [85.2, 84.6], spo2: 98 },
		notes: [
			{
				daysAgo: 20,
				text: 'Video visit with ASL interpreter and captions. Home readings slightly above goal; amlodipine continued, salt reduction discussed.'
			}
		]
	},
	Dorothy: {
		gender: 'female',
		home: { line: 'N2875 County Rd K', city: 'Portage', postalCode: '53901' },
		problems: [
			{ snomed: '42343007', name: 'Congestive heart failure', since: '2018-11-05' },
			{ snomed: '49436004', name: 'Atrial fibrillation', since: '2018-11-05' },
			{ snomed: '433144002', name: 'Chronic kidney disease stage 3', since: '2020-04-22' }
		],
		medications: [
			{ rxnorm: '313988', name: 'furosemide 40 MG Oral Tablet', dosage: '1 tablet every morning' },
			{ rxnorm: '1364445', name: 'apixaban 5 MG Oral Tablet', dosage: '1 tablet twice daily' },
			{
				rxnorm: '866427',
				name: 'metoprolol succinate 25 MG Extended Release Oral Tablet',
				dosage: '1 tablet once daily'
			}
		],
		allergies: [{ name: 'Codeine', reaction: 'Nausea and vomiting' }],
		labs: [
			{
				loinc: '30934-4',
				name: 'Natriuretic peptide B [Mass/volume] in Blood',
				value: 450,
				unit: 'pg/mL',
				high: 100,
				daysAgo: 10
			},
			{
				loinc: '2160-0',
				name: 'Creatinine [Mass/volume] in Serum or Plasma',
				value: 1.6,
				unit: 'mg/dL',
				low: 0.6,
				high: 1.1,
				daysAgo: 10
			},
			{
				loinc: '2823-3',
				name: 'Potassium [Moles/volume] in Serum or Plasma',
				value: 4.9,
				unit: 'mmol/L',
				low: 3.5,
				high: 5.1,
				daysAgo: 10
			}
		],
		trend: { bp: [128, 78], weight: [70.1, 72.6], spo2: 94 },
		notes: [
			{
				daysAgo: 14,
				text: 'Phone visit. Mild ankle swelling; weight up 1 kg this week. Furosemide continued; call if weight rises more than 1 kg in a day or 2 kg in a week.'
			}
		]
	},
	Tuan: {
		gender: 'male',
		home: { line: '1190 Larpenteur Ave W', city: 'Saint Paul', postalCode: '55113' },
		problems: [
			{ snomed: '44054006', name: 'Type 2 diabetes mellitus', since: '2016-07-12' },
			{ snomed: '55822004', name: 'Hyperlipidemia', since: '2016-07-12' }
		],
		medications: [
			{
				rxnorm: '861007',
				name: 'metformin hydrochloride 500 MG Oral Tablet',
				dosage: '2 tablets twice daily'
			},
			{ rxnorm: '617310', name: 'atorvastatin 20 MG Oral Tablet', dosage: '1 tablet at bedtime' }
		],
		allergies: [],
		labs: [
			{
				loinc: '4548-4',
				name: 'Hemoglobin A1c/Hemoglobin.total in Blood',
				value: 7.2,
				unit: '%',
				low: 4,
				high: 5.6,
				daysAgo: 35
			},
			{
				loinc: '13457-7',
				name: 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation',
				value: 131,
				unit: 'mg/dL',
				high: 100,
				daysAgo: 35
			}
		],
		trend: { bp: [138, 86], glucose: 142, weight: [68.3, 67.9], spo2: 97 },
		notes: [
			{
				daysAgo: 40,
				text: 'Video visit, daughter present as caregiver, Vietnamese interpreter. A1c improved. Continue metformin; statin adherence reviewed.'
			}
		]
	}
};

const day = (at: Date, daysAgo: number) => new Date(at.getTime() - daysAgo * 86_400_000);
const quantity = (value: number, unit: string, code = unit) => ({ value, unit, system: UCUM, code });

function vital(patient: string, effective: Date, loinc: string, display: string): Observation {
	return {
		resourceType: 'Observation',
		status: 'final',
		category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }] }],
		code: { coding: [{ system: LOINC, code: loinc, display }], text: display },
		subject: { reference: patient },
		effectiveDateTime: effective.toISOString(),
		device: { display: 'Home monitoring device' }
	};
}

/** Ninety days of home readings, one a day with a few missed days, drifting from start to end. */
function homeReadings(patient: string, trend: Trend, now: Date, seed: number): Observation[] {
	const rand = random(seed);
	const out: Observation[] = [];
	for (let d = 89; d >= 0; d--) {
		if (rand() < 0.1) continue; // a missed day
		const at = new Date(day(now, d).setUTCHours(13, Math.floor(rand() * 60), 0, 0));
		const progress = (89 - d) / 89;
		if (trend.bp) {
			const sys = Math.round(trend.bp[0] + (rand() - 0.5) * 14);
			const dia = Math.round(trend.bp[1] + (rand() - 0.5) * 10);
			out.push({
				...vital(patient, at, '85354-9', 'Blood pressure panel with all children optional'),
				component: [
					{
						code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] },
						valueQuantity: quantity(sys, 'mm[Hg]')
					},
					{
						code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] },
						valueQuantity: quantity(dia, 'mm[Hg]')
					}
				]
			});
		}
		if (trend.glucose) {
			out.push({
				...vital(patient, at, '2339-0', 'Glucose [Mass/volume] in Blood'),
				category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'laboratory' }] }],
				valueQuantity: quantity(Math.round(trend.glucose + (rand() - 0.5) * 50), 'mg/dL')
			});
		}
		if (trend.weight && d % 2 === 0) {
			const kg = trend.weight[0] + (trend.weight[1] - trend.weight[0]) * progress + (rand() - 0.5) * 0.6;
			out.push({
				...vital(patient, at, '29463-7', 'Body weight'),
				valueQuantity: quantity(Math.round(kg * 10) / 10, 'kg')
			});
		}
		if (trend.spo2 && d % 3 === 0) {
			const spo2 = Math.min(100, Math.round(trend.spo2 + (rand() - 0.5) * 4));
			out.push({
				...vital(patient, at, '59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
				valueQuantity: quantity(spo2, '%')
			});
		}
	}
	return out;
}

function lab(patient: string, lab: Lab, now: Date): Observation {
	const flag =
		lab.high !== undefined && lab.value > lab.high
			? 'H'
			: lab.low !== undefined && lab.value < lab.low
				? 'L'
				: 'N';
	return {
		resourceType: 'Observation',
		status: 'final',
		category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'laboratory', display: 'Laboratory' }] }],
		code: { coding: [{ system: LOINC, code: lab.loinc, display: lab.name }], text: lab.name },
		subject: { reference: patient },
		effectiveDateTime: day(now, lab.daysAgo).toISOString(),
		valueQuantity: quantity(lab.value, lab.unit),
		referenceRange: [
			{
				...(lab.low !== undefined ? { low: quantity(lab.low, lab.unit) } : {}),
				...(lab.high !== undefined ? { high: quantity(lab.high, lab.unit) } : {})
			}
		],
		interpretation: [{ coding: [{ system: INTERPRETATION, code: flag }] }]
	};
}

/** Writes the clinic, its clinicians and each demo patient's chart. */
export async function seedDemoCharts(repo: JournalRepository, now: Date): Promise<void> {
	const create = <T extends Resource>(resource: T) => repo.createResource(resource);
	const organization = await create<Organization>({
		resourceType: 'Organization',
		name: DEMO_ORGANIZATION.name,
		identifier: [{ system: NPI_SYSTEM, value: npi('198765432') }]
	});
	for (const staff of DEMO_STAFF.filter((s) => s.roles.includes('clinician') || s.roles.includes('nurse'))) {
		const [given, ...rest] = staff.displayName
			.replace(/^Dr\. /, '')
			.replace(/,.*$/, '')
			.split(' ');
		await create<Practitioner>({
			resourceType: 'Practitioner',
			identifier: staff.npi ? [{ system: NPI_SYSTEM, value: staff.npi }] : [],
			name: [{ given: [given ?? ''], family: rest.join(' '), text: staff.displayName }],
			telecom: [{ system: 'email', value: staff.email }],
			communication: staff.languages.map((code) => ({ coding: [{ system: 'urn:ietf:bcp:47', code }] }))
		});
	}
	let index = 0;
	for (const person of DEMO_PATIENTS) {
		index++;
		const chart = CHARTS[person.givenName];
		if (!chart) continue;
		const patient = await create<Patient>({
			resourceType: 'Patient',
			identifier: [
				{
					use: 'usual',
					type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
					system: DEMO_MRN_SYSTEM,
					value: person.mrn ?? `RB${String(100000 + index)}`
				}
			],
			name: [{ given: [person.givenName], family: person.familyName }],
			gender: chart.gender,
			birthDate: person.birthDate,
			telecom: [
				...(person.phone
					? [
							{
								system: 'phone' as const,
								value: person.phone,
								use: person.phoneKind === 'mobile' ? ('mobile' as const) : ('home' as const)
							}
						]
					: []),
				...(person.email ? [{ system: 'email' as const, value: person.email }] : [])
			],
			address: [
				{
					use: 'home',
					line: [chart.home.line],
					city: chart.home.city,
					state: person.homeState,
					postalCode: chart.home.postalCode,
					country: 'US'
				}
			],
			communication: [
				{
					language: { coding: [{ system: 'urn:ietf:bcp:47', code: person.preferredLanguage }] },
					preferred: true
				}
			],
			managingOrganization: { reference: `Organization/${organization.id}` }
		});
		const ref = `Patient/${patient.id}`;
		for (const problem of chart.problems) {
			await create<Condition>({
				resourceType: 'Condition',
				clinicalStatus: {
					coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }]
				},
				verificationStatus: {
					coding: [
						{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }
					]
				},
				category: [
					{
						coding: [
							{
								system: 'http://terminology.hl7.org/CodeSystem/condition-category',
								code: 'problem-list-item'
							}
						]
					}
				],
				code: {
					coding: [{ system: SNOMED, code: problem.snomed, display: problem.name }],
					text: problem.name
				},
				subject: { reference: ref },
				onsetDateTime: problem.since
			});
		}
		for (const medication of chart.medications) {
			await create<MedicationStatement>({
				resourceType: 'MedicationStatement',
				status: 'active',
				medicationCodeableConcept: {
					coding: [{ system: RXNORM, code: medication.rxnorm, display: medication.name }],
					text: medication.name
				},
				subject: { reference: ref },
				dosage: [{ text: medication.dosage }]
			});
		}
		for (const allergy of chart.allergies) {
			await create<AllergyIntolerance>({
				resourceType: 'AllergyIntolerance',
				clinicalStatus: {
					coding: [
						{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }
					]
				},
				verificationStatus: {
					coding: [
						{
							system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
							code: 'confirmed'
						}
					]
				},
				code: {
					...(allergy.snomed
						? { coding: [{ system: SNOMED, code: allergy.snomed, display: allergy.name }] }
						: {}),
					text: allergy.name
				},
				patient: { reference: ref },
				...(allergy.reaction ? { reaction: [{ manifestation: [{ text: allergy.reaction }] }] } : {})
			});
		}
		for (const result of chart.labs) await create(lab(ref, result, now));
		for (const reading of homeReadings(ref, chart.trend, now, index * 7919)) await create(reading);
		for (const note of chart.notes) {
			await create<DocumentReference>({
				resourceType: 'DocumentReference',
				status: 'current',
				type: { coding: [{ system: LOINC, code: '11506-3', display: 'Progress note' }] },
				subject: { reference: ref },
				date: day(now, note.daysAgo).toISOString(),
				description: 'Telehealth visit note',
				content: [
					{
						attachment: {
							contentType: 'text/plain; charset=utf-8',
							data: Buffer.from(note.text).toString('base64')
						}
					}
				]
			});
		}
	}
}
