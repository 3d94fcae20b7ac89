/**
 * The payers the clinic bills, with the id its clearinghouse routes 270s by, and the billing policy
 * each follows (billing/data: Medicare, a state's Medicaid, or the commercial defaults). The demo
 * list; a clinic replaces it with its clearinghouse's payer list.
 */
export const PAYERS = [
	{ id: 'MEDICARE-DEMO', name: 'Medicare Part B (demo)', kind: 'medicare', state: null },
	{ id: 'ILMCD-DEMO', name: 'Illinois Medicaid (demo)', kind: 'medicaid', state: 'IL' },
	{ id: 'TXMCD-DEMO', name: 'Texas Medicaid (demo)', kind: 'medicaid', state: 'TX' },
	{ id: 'BCBS-DEMO', name: 'Blue Cross Blue Shield (demo)', kind: 'commercial', state: null },
	{ id: 'AETNA-DEMO', name: 'Aetna (demo)', kind: 'commercial', state: null }
] as const;

export type PayerId = (typeof PAYERS)[number]['id'];

export const PAYER_IDS: PayerId[] = PAYERS.map((p) => p.id);

export const payerName = (id: string) => PAYERS.find((p) => p.id === id)?.name ?? id;
