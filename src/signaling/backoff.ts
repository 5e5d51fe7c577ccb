/**
 * Exponential backoff with jitter for reconnects: the base doubles per attempt up to maxMs, and the delay
 * is drawn from [base/2, base) ("equal jitter") so clients that lost the same server do not return in
 * lockstep, yet none retries sooner than half the base.
 */
import type { Random } from '../core/random.js';

export interface SignalingBackoffOptions {
  /** Base delay of the first retry (ms). */
  initialMs: number;
  /** Ceiling of the base delay (ms). */
  maxMs: number;
}

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: SignalingBackoffOptions, random: Random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  return base / 2 + random.next() * (base / 2);
}
