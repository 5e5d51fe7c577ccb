/**
 * Small numeric helpers for bench reports: percentiles, rounding, ratios.
 */

/** The p-quantile (0..1) of an ascending array, nearest-rank; 0 for an empty array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

/** Rounds to `digits` decimals (JSON-friendly figures). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** a / b rounded, or null when either side is missing or b is 0 (a ratio that cannot be computed). */
export function ratio(a: number | undefined, b: number | undefined, digits = 3): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round(a / b, digits);
}

export function latencySummary(samplesMs: number[]): { p50: number; p99: number; max: number; samples: number } {
  const sorted = Float64Array.from(samplesMs).sort();
  return {
    p50: round(percentile(sorted, 0.5), 3),
    p99: round(percentile(sorted, 0.99), 3),
    max: round(sorted.length ? sorted[sorted.length - 1]! : 0, 3),
    samples: sorted.length,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `check()` is true (polled every `everyMs`), rejects after `timeoutMs` with `what`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
