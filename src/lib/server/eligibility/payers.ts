/**
 * The payers the clinic bills, with the id its clearinghouse routes 270s by. The demo list; a clinic
 * replaces it with its clearinghouse's payer list.
 */
export const PAYERS = [
	{ id: 'MEDICARE-DEMO', name: 'Medicare Part B (demo)' },
	{ id: 'ILMCD-DEMO', name: 'Illinois Medicaid (demo)' },
	{ id: 'TXMCD-DEMO', name: 'Texas Medicaid (demo)' },
	{ id: 'BCBS-DEMO', name: 'Blue Cross Blue Shield (demo)' },
	{ id: 'AETNA-DEMO', name: 'Aetna (demo)' }
] as const;

export type PayerId = (typeof PAYERS)[number]['id'];

export const PAYER_IDS: PayerId[] = PAYERS.map((p) => p.id);

export const payerName = (id: string) => PAYERS.find((p) => p.id === id)?.name ?? id;
