/**
 * Exponential backoff with jitter, the one schedule every reconnecting piece uses (peer reconnection,
 * signaling reconnection, bootstrap dials): step = initial × multiplier^attempt, capped; the delay is the
 * step shortened by up to `jitter` of it, drawn from the injected Random, so peers that lost the same
 * neighbour at the same instant do not come back in lockstep, and no delay exceeds its step or the cap.
 */
import type { Random } from './random.js';

export interface BackoffSchedule {
  initialMs: number;
  maxMs: number;
  /** Default 2. */
  multiplier?: number;
  /** Fraction of the step that may be taken off at random, 0..1. Default 0. */
  jitter?: number;
}

/** The step before jitter for the attempt after `failedAttempts` failures (0 → initialMs). */
export function backoffStepMs(failedAttempts: number, schedule: BackoffSchedule): number {
  const step = schedule.initialMs * Math.pow(schedule.multiplier ?? 2, Math.max(0, failedAttempts));
  return Math.min(schedule.maxMs, step);
}

/** The delay before the next attempt after `failedAttempts` failures, jitter included. */
export function backoffDelayMs(failedAttempts: number, schedule: BackoffSchedule, random: Random): number {
  const step = backoffStepMs(failedAttempts, schedule);
  const jitter = Math.min(1, Math.max(0, schedule.jitter ?? 0));
  return jitter > 0 ? step - step * jitter * random.next() : step;
}
