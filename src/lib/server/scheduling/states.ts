/**
 * US states, DC and the inhabited territories, each with the IANA time zone where most of its people
 * live. A visit's date for the licensure gate is the date where the patient will be; a state spanning
 * two zones (Texas, Florida, ...) uses its main one, which moves a date only around midnight.
 */
export const STATE_TIME_ZONES: Record<string, string> = {
	AL: 'America/Chicago',
	AK: 'America/Anchorage',
	AZ: 'America/Phoenix',
	AR: 'America/Chicago',
	CA: 'America/Los_Angeles',
	CO: 'America/Denver',
	CT: 'America/New_York',
	DE: 'America/New_York',
	DC: 'America/New_York',
	FL: 'America/New_York',
	GA: 'America/New_York',
	HI: 'Pacific/Honolulu',
	ID: 'America/Boise',
	IL: 'America/Chicago',
	IN: 'America/Indiana/Indianapolis',
	IA: 'America/Chicago',
	KS: 'America/Chicago',
	KY: 'America/New_York',
	LA: 'America/Chicago',
	ME: 'America/New_York',
	MD: 'America/New_York',
	MA: 'America/New_York',
	MI: 'America/Detroit',
	MN: 'America/Chicago',
	MS: 'America/Chicago',
	MO: 'America/Chicago',
	MT: 'America/Denver',
	NE: 'America/Chicago',
	NV: 'America/Los_Angeles',
	NH: 'America/New_York',
	NJ: 'America/New_York',
	NM: 'America/Denver',
	NY: 'America/New_York',
	NC: 'America/New_York',
	ND: 'America/Chicago',
	OH: 'America/New_York',
	OK: 'America/Chicago',
	OR: 'America/Los_Angeles',
	PA: 'America/New_York',
	RI: 'America/New_York',
	SC: 'America/New_York',
	SD: 'America/Chicago',
	TN: 'America/Chicago',
	TX: 'America/Chicago',
	UT: 'America/Denver',
	VT: 'America/New_York',
	VA: 'America/New_York',
	WA: 'America/Los_Angeles',
	WV: 'America/New_York',
	WI: 'America/Chicago',
	WY: 'America/Denver',
	PR: 'America/Puerto_Rico',
	GU: 'Pacific/Guam',
	VI: 'America/St_Thomas',
	AS: 'Pacific/Pago_Pago',
	MP: 'Pacific/Saipan'
};

export const STATE_CODES = Object.keys(STATE_TIME_ZONES);

export function isStateCode(code: string): boolean {
	return Object.hasOwn(STATE_TIME_ZONES, code);
}

// Formatting with a time zone is slow and a slot search asks tens of thousands of times, while a
// zone's offset changes only on a quarter hour: one formatter per zone, and each day remembered per
// zone and quarter hour (bounded).
const formats = new Map<string, Intl.DateTimeFormat>();
const days = new Map<string, string>();
const QUARTER_HOUR_MS = 15 * 60_000;

function formatter(kind: 'day' | 'hour', timeZone: string): Intl.DateTimeFormat {
	const key = `${kind}|${timeZone}`;
	let format = formats.get(key);
	if (!format) {
		format =
			kind === 'day'
				? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
				: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
		formats.set(key, format);
	}
	return format;
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function dayIn(instant: Date, timeZone: string): string {
	const key = `${timeZone}|${Math.floor(instant.getTime() / QUARTER_HOUR_MS)}`;
	let day = days.get(key);
	if (day === undefined) {
		day = formatter('day', timeZone).format(instant);
		if (days.size >= 100_000) days.clear();
		days.set(key, day);
	}
	return day;
}

/** The wall-clock hour (0-23) of an instant in a time zone. */
export function hourIn(instant: Date, timeZone: string): number {
	return Number(formatter('hour', timeZone).format(instant));
}
