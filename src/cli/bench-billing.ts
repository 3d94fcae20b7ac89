import { evaluate, type EncounterFacts } from '$lib/server/billing/engine';
import { buildClaim837p, type ProfessionalClaim } from '$lib/server/integrations/x12/claim837p';
import { claimFor } from '$lib/server/integrations/x12/fixtures/factory';

// `npm run bench` runs this: billing evaluations per second on one core (the engine is a pure
// function, so one process is one core), over a mix of payers, dates and modalities; and the time to
// write 1,000 837P claims (each parsed back strictly by node-x12 as it is written). Prints JSON.
const DURATION_MS = Number(process.env.BENCH_BILLING_MS ?? 2000);

const day = (d: string) => ({ start: `${d}T15:00:00Z`, end: `${d}T15:20:00Z` });
const MIX: EncounterFacts[] = [
	['medicare', '2026-12-02', 'video', 'home', '99213'],
	['medicare', '2026-12-02', 'phone', 'home', '99214'],
	['medicare', '2023-05-10', 'video', 'facility', '99203'],
	['medicare', '2028-03-01', 'video', 'home', '90837'],
	['commercial', '2026-12-02', 'audio', 'home', '98005'],
	['medicaid', '2026-12-02', 'video', 'facility', '99215']
].map(([payer, date, modality, setting, code]) => ({
	dateOfService: date!,
	payer: payer as EncounterFacts['payer'],
	payerState: payer === 'medicaid' ? 'TX' : undefined,
	serviceCode: code!,
	patientLocation: { state: 'TX', setting: setting as 'home' | 'facility' },
	segments: [{ modality: modality as 'video', ...day(date!) }],
	clinicianVideoCapable: true,
	patientVideoCapable: modality === 'video',
	patientConsentsToVideo: true,
	behavioralHealth: false
}));

let evaluations = 0;
let billable = 0;
const started = performance.now();
while (performance.now() - started < DURATION_MS) {
	for (const facts of MIX) {
		if (evaluate(facts).billable) billable++;
		evaluations++;
	}
}
const seconds = (performance.now() - started) / 1000;

const CLAIMS = 1000;
const claim = (i: number): ProfessionalClaim => {
	const facts = MIX[i % MIX.length]!;
	const line = evaluate(facts).lines[0]!;
	const base = claimFor(
		[{ ...line, chargeCents: 12_000, units: 1, dateOfService: facts.dateOfService }],
		line.pos
	);
	return {
		...base,
		payer: { ...base.payer, filing: facts.payer },
		subscriber: { ...base.subscriber, memberId: `M${String(i).padStart(9, '0')}` },
		claimId: `BENCH-${i}`
	};
};
const claimsStarted = performance.now();
let bytes = 0;
for (let i = 0; i < CLAIMS; i++) {
	const now = new Date();
	bytes += buildClaim837p(claim(i), { interchange: i + 1, group: i + 1, transaction: '0001', now }).length;
}
const claimsMs = performance.now() - claimsStarted;

process.stdout.write(
	JSON.stringify({
		evaluations,
		billableShare: billable / evaluations,
		perSecond: Math.round(evaluations / seconds),
		claims: CLAIMS,
		claimsMs: Math.round(claimsMs),
		claimBytes: Math.round(bytes / CLAIMS)
	}) + '\n'
);
