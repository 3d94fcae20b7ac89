/** Dates become ISO strings, exactly as a JSON answer or an event stream carries them. */
export type Jsonified<T> = T extends Date
	? string
	: T extends (infer U)[]
		? Jsonified<U>[]
		: T extends object
			? { [K in keyof T]: Jsonified<T[K]> }
			: T;

/** A value as the browser will receive it over JSON, so a page and its live updates share one shape. */
export function asJson<T>(value: T): Jsonified<T> {
	return JSON.parse(JSON.stringify(value)) as Jsonified<T>;
}
