/**
 * Delay before the next delivery attempt: exponential from `baseMs`, capped, with ±20% jitter so
 * that messages which failed together do not all retry in the same instant.
 */
export function backoffDelay(
	attempt: number,
	options: { baseMs?: number; capMs?: number; random?: () => number } = {}
): number {
	const base = options.baseMs ?? 5_000;
	const cap = options.capMs ?? 60 * 60_000;
	const random = options.random ?? Math.random;
	const exponential = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
	const jitter = 0.8 + 0.4 * random();
	return Math.round(Math.min(cap, exponential * jitter));
}
