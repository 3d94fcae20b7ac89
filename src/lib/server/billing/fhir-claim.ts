import type { Claim } from '@medplum/fhirtypes';
import type { ProfessionalClaim } from '../integrations/x12/claim837p';
import { withDot } from '../notes/service';

const NPI = 'http://hl7.org/fhir/sid/us-npi';
const CPT = 'http://www.ama-assn.org/go/cpt';
const HCPCS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const POS = 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set';

/** 93 and 95 are CPT modifiers; FQ, G0 and the other letter-led ones are HCPCS Level II. */
const modifierSystem = (modifier: string) => (/^\d/.test(modifier) ? CPT : HCPCS);
const usd = (cents: number) => ({ value: cents / 100, currency: 'USD' as const });

/**
 * The same professional claim as the 837P, as a FHIR R4 Claim: the patient as the EHR knows them, the
 * clinic and the rendering clinician by NPI, the payer and the member id, each line's code with its
 * telehealth modifiers and place of service (`locationCodeableConcept`), as the biller approved them.
 */
export function fhirClaim(
	claim: ProfessionalClaim,
	refs: { patient: string; identifierSystem: string; created: Date }
): Claim {
	const total = claim.lines.reduce((sum, line) => sum + line.chargeCents, 0);
	const dates = claim.lines.map((line) => line.dateOfService).sort();
	return {
		resourceType: 'Claim',
		identifier: [{ system: refs.identifierSystem, value: claim.claimId }],
		status: 'active',
		type: {
			coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }]
		},
		use: 'claim',
		patient: { reference: refs.patient },
		billablePeriod: { start: dates[0], end: dates[dates.length - 1] },
		created: refs.created.toISOString(),
		provider: {
			identifier: { system: NPI, value: claim.billingProvider.npi },
			display: claim.billingProvider.name
		},
		insurer: { identifier: { value: claim.payer.id }, display: claim.payer.name },
		priority: {
			coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }]
		},
		careTeam: [
			{
				sequence: 1,
				provider: {
					identifier: { system: NPI, value: claim.renderingProvider.npi },
					display: `${claim.renderingProvider.givenName} ${claim.renderingProvider.familyName}`
				},
				role: {
					coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claimcareteamrole', code: 'primary' }]
				}
			}
		],
		diagnosis: claim.diagnoses.map((code, i) => ({
			sequence: i + 1,
			diagnosisCodeableConcept: { coding: [{ system: ICD10CM, code: withDot(code) }] }
		})),
		insurance: [
			{
				sequence: 1,
				focal: true,
				coverage: {
					identifier: { value: claim.subscriber.memberId },
					display: claim.payer.name
				}
			}
		],
		item: claim.lines.map((line, i) => ({
			sequence: i + 1,
			careTeamSequence: [1],
			diagnosisSequence: claim.diagnoses.slice(0, 4).map((_, k) => k + 1),
			productOrService: { coding: [{ system: CPT, code: line.code }] },
			modifier: line.modifiers.map((modifier) => ({
				coding: [{ system: modifierSystem(modifier), code: modifier }]
			})),
			servicedDate: line.dateOfService,
			locationCodeableConcept: { coding: [{ system: POS, code: line.pos ?? claim.pos }] },
			quantity: { value: line.units },
			unitPrice: usd(line.chargeCents / line.units),
			net: usd(line.chargeCents)
		})),
		total: usd(total)
	};
}
