import type {
	AllergyIntolerance,
	CodeableConcept,
	Condition,
	DocumentReference,
	MedicationStatement,
	Observation,
	Resource
} from '@medplum/fhirtypes';
import { refuseAsNotFound, requirePermission } from '../identity/policy';
import { readPatient } from '../patients/repository';
import type { ServiceContext } from '../platform/context';
import { AppError } from '../platform/errors';
import { resolveEhrPatient, type EhrSyncDeps } from './sync';
import { DIASTOLIC_LOINC, SYSTOLIC_LOINC, TREND_LOINC, TREND_THRESHOLDS, type TrendKind } from './thresholds';

export type ChartSection = 'medications' | 'allergies' | 'problems' | 'labs' | 'notes' | 'trends';

export type Lab = {
	name: string;
	value: string;
	unit: string;
	range: string | null;
	/** H, L or N as the lab reported it; computed from the range when it did not. */
	flag: 'H' | 'L' | 'N' | null;
	at: string | null;
};

export type TrendPoint = { at: string; value: number; second?: number };

export type TrendSummary = {
	latest: TrendPoint | null;
	outside: number;
	total: number;
	change: number | null;
};

/** The summary of one trend against its thresholds (blood pressure: systolic high, diastolic high). */
export function summarizeTrend(kind: TrendKind, points: TrendPoint[]): TrendSummary {
	const limits: { low?: number; high?: number; secondHigh?: number } =
		kind === 'bp'
			? { high: TREND_THRESHOLDS.systolic.high, secondHigh: TREND_THRESHOLDS.diastolic.high }
			: TREND_THRESHOLDS[kind];
	const outside = points.filter(
		(p) =>
			(limits.low !== undefined && p.value < limits.low) ||
			(limits.high !== undefined && p.value > limits.high) ||
			(limits.secondHigh !== undefined && p.second !== undefined && p.second > limits.secondHigh)
	).length;
	const first = points[0];
	const latest = points.at(-1) ?? null;
	return {
		latest,
		outside,
		total: points.length,
		change: first && latest ? Math.round((latest.value - first.value) * 10) / 10 : null
	};
}

export type Chart = {
	patient: { id: string; name: string; birthDate: string; preferredLanguage: string };
	/** False when AnyVisit could not find the patient in the EHR (not linked and no MRN match). */
	linked: boolean;
	medications: { name: string; dosage: string | null }[];
	allergies: { name: string; reaction: string | null }[];
	problems: { name: string; since: string | null }[];
	labs: Lab[];
	notes: { at: string | null; title: string; text: string }[];
	trends: Record<TrendKind, TrendPoint[]>;
	/** Each trend in words: its latest reading, how many fell outside the clinic's thresholds, the change. */
	summaries: Record<TrendKind, TrendSummary>;
	/** Sections the EHR did not deliver in time (shown as unavailable, the rest still shown). */
	unavailable: ChartSection[];
};

const text = (concept: CodeableConcept | undefined): string =>
	concept?.text ?? concept?.coding?.[0]?.display ?? concept?.coding?.[0]?.code ?? '';

function flagOf(o: Observation): Lab['flag'] {
	const code = o.interpretation?.[0]?.coding?.[0]?.code;
	if (code === 'H' || code === 'HH') return 'H';
	if (code === 'L' || code === 'LL') return 'L';
	if (code === 'N') return 'N';
	const value = o.valueQuantity?.value;
	const range = o.referenceRange?.[0];
	if (value === undefined || !range) return null;
	if (range.high?.value !== undefined && value > range.high.value) return 'H';
	if (range.low?.value !== undefined && value < range.low.value) return 'L';
	return 'N';
}

function rangeOf(o: Observation): string | null {
	const range = o.referenceRange?.[0];
	if (!range) return null;
	const low = range.low?.value;
	const high = range.high?.value;
	if (low !== undefined && high !== undefined) return `${low}–${high}`;
	if (high !== undefined) return `≤ ${high}`;
	if (low !== undefined) return `≥ ${low}`;
	return range.text ?? null;
}

function decodeNote(doc: DocumentReference): string {
	const attachment = doc.content?.[0]?.attachment;
	if (!attachment?.data || !/^text\//.test(attachment.contentType ?? '')) return '';
	return Buffer.from(attachment.data, 'base64').toString('utf8');
}

function componentValue(o: Observation, loinc: string): number | undefined {
	return o.component?.find((c) => c.code.coding?.some((x) => x.code === loinc))?.valueQuantity?.value;
}

const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; value: unknown }>();

/** Empties the chart cache (benchmarks measure cold loads). */
export function clearChartCache(): void {
	cache.clear();
}

/** Short-lived memory cache per EHR query (a chart reopened within a minute loads at once). */
async function cached<T>(key: string, now: number, load: () => Promise<T>): Promise<T> {
	const hit = cache.get(key);
	if (hit && now - hit.at < CACHE_MS) return hit.value as T;
	const value = await load();
	if (cache.size > 500) cache.clear();
	cache.set(key, { at: now, value });
	return value;
}

/**
 * The patient's chart from the EHR for the clinician: medications, allergies, problems, recent labs
 * with abnormal flags, prior notes, and 90 days of home readings. The sections load in parallel; a
 * section the EHR did not deliver is named in `unavailable` and the rest is shown. Clinicians and
 * nurses only; every view is audited (purpose: treatment).
 */
export async function patientChart(
	ctx: ServiceContext,
	ehr: EhrSyncDeps | null,
	patientId: string
): Promise<Chart> {
	const attempt = { action: 'chart.read', resourceType: 'patient', resourceId: patientId };
	const staff = await requirePermission(ctx, 'chart.read', attempt);
	const patient = await readPatient(ctx.db, ctx.phi, patientId);
	if (!patient || patient.organizationId !== staff.organizationId) return refuseAsNotFound(ctx, attempt);
	if (!ehr) throw new AppError('UNAVAILABLE');
	const chart: Chart = {
		patient: {
			id: patient.id,
			name: `${patient.givenName} ${patient.familyName}`,
			birthDate: patient.birthDate,
			preferredLanguage: patient.preferredLanguage
		},
		linked: false,
		medications: [],
		allergies: [],
		problems: [],
		labs: [],
		notes: [],
		trends: { bp: [], glucose: [], weight: [], spo2: [] },
		summaries: {
			bp: summarizeTrend('bp', []),
			glucose: summarizeTrend('glucose', []),
			weight: summarizeTrend('weight', []),
			spo2: summarizeTrend('spo2', [])
		},
		unavailable: []
	};
	let reference: string | null = null;
	try {
		reference = await resolveEhrPatient(ehr, patient.id, { create: false });
	} catch {
		chart.unavailable = ['medications', 'allergies', 'problems', 'labs', 'notes', 'trends'];
	}
	if (reference) {
		chart.linked = true;
		const now = ctx.clock.now();
		const since = new Date(now.getTime() - 90 * 86_400_000).toISOString().slice(0, 10);
		const search = <T extends Resource>(type: T['resourceType'], params: Record<string, string | number>) =>
			cached(
				`${ehr.fhir.baseUrl}/${type}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`,
				now.getTime(),
				() => ehr.fhir.searchAll<T>(type, params, { maxPages: 10 })
			);
		const sections: [ChartSection, () => Promise<void>][] = [
			[
				'medications',
				async () => {
					const rows = await search<MedicationStatement>('MedicationStatement', {
						subject: reference,
						status: 'active'
					});
					chart.medications = rows.map((m) => ({
						name: text(m.medicationCodeableConcept),
						dosage: m.dosage?.[0]?.text ?? null
					}));
				}
			],
			[
				'allergies',
				async () => {
					const rows = await search<AllergyIntolerance>('AllergyIntolerance', { patient: reference });
					chart.allergies = rows.map((a) => ({
						name: text(a.code),
						reaction: a.reaction?.[0]?.manifestation?.map((m) => text(m)).join(', ') ?? null
					}));
				}
			],
			[
				'problems',
				async () => {
					const rows = await search<Condition>('Condition', {
						subject: reference,
						category: 'problem-list-item'
					});
					chart.problems = rows.map((c) => ({ name: text(c.code), since: c.onsetDateTime ?? null }));
				}
			],
			[
				'labs',
				async () => {
					const rows = await search<Observation>('Observation', {
						subject: reference,
						category: 'laboratory',
						_count: 100
					});
					chart.labs = rows
						.filter((o) => o.code.coding?.[0]?.code !== TREND_LOINC.glucose)
						.sort((a, b) => (b.effectiveDateTime ?? '').localeCompare(a.effectiveDateTime ?? ''))
						.slice(0, 20)
						.map((o) => ({
							name: text(o.code),
							value: String(o.valueQuantity?.value ?? o.valueString ?? ''),
							unit: o.valueQuantity?.unit ?? '',
							range: rangeOf(o),
							flag: flagOf(o),
							at: o.effectiveDateTime ?? null
						}));
				}
			],
			[
				'notes',
				async () => {
					const rows = await search<DocumentReference>('DocumentReference', {
						subject: reference,
						status: 'current'
					});
					chart.notes = rows
						.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))
						.slice(0, 5)
						.map((d) => ({ at: d.date ?? null, title: d.description ?? text(d.type), text: decodeNote(d) }));
				}
			],
			[
				'trends',
				async () => {
					const codes = Object.values(TREND_LOINC)
						.map((c) => `http://loinc.org|${c}`)
						.join(',');
					const rows = await search<Observation>('Observation', {
						subject: reference,
						code: codes,
						date: `ge${since}`,
						_count: 500
					});
					const byCode = (code: string) =>
						rows
							.filter((o) => o.code.coding?.some((c) => c.code === code) && o.effectiveDateTime)
							.sort((a, b) => a.effectiveDateTime!.localeCompare(b.effectiveDateTime!));
					chart.trends.bp = byCode(TREND_LOINC.bp).flatMap((o) => {
						const systolic = componentValue(o, SYSTOLIC_LOINC);
						const diastolic = componentValue(o, DIASTOLIC_LOINC);
						return systolic !== undefined && diastolic !== undefined
							? [{ at: o.effectiveDateTime!, value: systolic, second: diastolic }]
							: [];
					});
					for (const kind of ['glucose', 'weight', 'spo2'] as const) {
						chart.trends[kind] = byCode(TREND_LOINC[kind]).flatMap((o) =>
							o.valueQuantity?.value !== undefined
								? [{ at: o.effectiveDateTime!, value: o.valueQuantity.value }]
								: []
						);
					}
				}
			]
		];
		const results = await Promise.allSettled(sections.map(([, load]) => load()));
		for (const kind of ['bp', 'glucose', 'weight', 'spo2'] as const) {
			chart.summaries[kind] = summarizeTrend(kind, chart.trends[kind]);
		}
		chart.unavailable = sections.filter((_, i) => results[i]!.status === 'rejected').map(([name]) => name);
		if (chart.unavailable.length)
			ctx.logger.warn({ unavailable: chart.unavailable }, 'chart sections the EHR did not deliver');
	}
	await ctx.audit.record({
		...attempt,
		purpose: 'treatment',
		details: { linked: chart.linked, unavailable: chart.unavailable.join(',') }
	});
	return chart;
}
