/**
 * Failure tracking: how many connection attempts in a row failed, when a peer becomes `failed`, and
 * when the next attempt is due. One counter, two timetables — chosen by the peer's history:
 *
 * - discovery (kameo "Node A is down, node B is starting"): a peer we have not reached in this run —
 *   bootstrap, signaling, peer records. Attempt at once, then every gossipIntervalMs; after
 *   maxPeerFailures failures in a row the peer is `failed` and is retried every peerRetryIntervalMs.
 *   With the defaults: attempts at T+0, T+5 s, T+10 s, failed at T+10 s, then T+15 s, T+20 s, …
 * - reconnect (Network Design Verification): a peer we were connected to. Attempts back off
 *   5 s → 10 s → 20 s … ≤ 300 s with jitter, and stop after maxAttempts[role]. The same failure count
 *   marks it `failed` after maxPeerFailures attempts (T+5, T+15, T+35 s with the defaults).
 *
 * A success resets the count (and the backoff) to zero. Pure functions over a small record: the peer
 * manager owns the timers.
 */
import type { Random } from '../core/random.js';
import type { Role } from '../wire/frames.js';
import { backoffDelay, maxAttemptsFor } from './backoff.js';
import type { PeerManagerConfig } from './config.js';

export type AttemptSchedule = 'discovery' | 'reconnect';

export interface FailureRecord {
  schedule: AttemptSchedule;
  /** Failed attempts in a row since the last success (the kameo failure count). */
  failures: number;
  role: Role;
}

export type FailureConfig = Pick<
  PeerManagerConfig,
  | 'maxPeerFailures'
  | 'gossipIntervalMs'
  | 'peerRetryIntervalMs'
  | 'backoffInitialMs'
  | 'backoffMaxMs'
  | 'backoffMultiplier'
  | 'backoffJitter'
  | 'maxAttempts'
>;

/** Delay before the next attempt, or null when the schedule gives up. */
export function nextAttemptDelay(r: FailureRecord, cfg: FailureConfig, random: Random): number | null {
  if (r.schedule === 'discovery') return r.failures < cfg.maxPeerFailures ? cfg.gossipIntervalMs : cfg.peerRetryIntervalMs;
  if (r.failures >= maxAttemptsFor(r.role, cfg)) return null;
  return backoffDelay(r.failures, cfg, random);
}

export interface FailureOutcome {
  /** This failure is the one that crossed maxPeerFailures. */
  becameFailed: boolean;
  /** When to try again; null: give up. */
  nextDelayMs: number | null;
}

export function recordFailure(r: FailureRecord, cfg: FailureConfig, random: Random): FailureOutcome {
  r.failures++;
  return { becameFailed: r.failures === cfg.maxPeerFailures, nextDelayMs: nextAttemptDelay(r, cfg, random) };
}

/** A connection succeeded: returns whether the peer had been marked failed. */
export function recordSuccess(r: FailureRecord, cfg: FailureConfig): boolean {
  const wasFailed = r.failures >= cfg.maxPeerFailures;
  r.failures = 0;
  return wasFailed;
}

/** A connection we held was lost: from now on the peer is on the reconnect (backoff) timetable. */
export function startReconnect(r: FailureRecord): void {
  r.schedule = 'reconnect';
  r.failures = 0;
}
