/**
 * The clinic's thresholds for home readings, drawn on the trend charts (a clinic would tune them per
 * patient; these are common adult targets: blood pressure under 140/90 mmHg, blood glucose 70 to 180
 * mg/dL, pulse oximetry 92 % or more).
 */
export const TREND_THRESHOLDS = {
	systolic: { high: 140 },
	diastolic: { high: 90 },
	glucose: { low: 70, high: 180 },
	spo2: { low: 92 },
	weight: {}
} as const;

export type TrendKind = 'bp' | 'glucose' | 'weight' | 'spo2';

/** The LOINC code of each home reading (blood pressure is a panel with systolic and diastolic parts). */
export const TREND_LOINC: Record<TrendKind, string> = {
	bp: '85354-9',
	glucose: '2339-0',
	weight: '29463-7',
	spo2: '59408-5'
};
export const SYSTOLIC_LOINC = '8480-6';
export const DIASTOLIC_LOINC = '8462-4';
