/**
 * The signaling client's reconnect schedule: exponential backoff (core/backoff.ts) with "equal jitter" —
 * each delay drawn from [step/2, step) — so clients that lost the same server do not return in lockstep,
 * yet none retries sooner than half the step.
 */
import { backoffDelayMs } from '../core/backoff.js';
import type { Random } from '../core/random.js';

export interface SignalingBackoffOptions {
  /** Base delay of the first retry (ms). */
  initialMs: number;
  /** Ceiling of the base delay (ms). */
  maxMs: number;
}

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: SignalingBackoffOptions, random: Random): number {
  return backoffDelayMs(attempt, { ...options, jitter: 0.5 }, random);
}
