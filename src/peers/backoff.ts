/**
 * Reconnection backoff (Network Design Verification): 5 s → 10 → 20 → … capped at 300 s, reset to the
 * first step after a success, and a role-dependent number of attempts before giving up (server peers
 * 20, browser peers 10). Jitter shortens each delay by up to `backoffJitter` of it, drawn from the
 * injected Random, so peers that lost the same neighbour at the same instant do not redial in lockstep
 * (and a delay never exceeds its step or the cap).
 */
import type { Random } from '../core/random.js';
import type { Role } from '../wire/frames.js';
import type { PeerManagerConfig } from './config.js';

export type BackoffConfig = Pick<
  PeerManagerConfig,
  'backoffInitialMs' | 'backoffMaxMs' | 'backoffMultiplier' | 'backoffJitter' | 'maxAttempts'
>;

/** The step before jitter for the attempt after `failedAttempts` failures (0 → initial). */
export function backoffStep(failedAttempts: number, cfg: BackoffConfig): number {
  const step = cfg.backoffInitialMs * Math.pow(cfg.backoffMultiplier, Math.max(0, failedAttempts));
  return Math.min(cfg.backoffMaxMs, step);
}

/** Delay before the next reconnection attempt, jitter included. */
export function backoffDelay(failedAttempts: number, cfg: BackoffConfig, random: Random): number {
  const step = backoffStep(failedAttempts, cfg);
  const jitter = cfg.backoffJitter > 0 ? step * Math.min(1, cfg.backoffJitter) * random.next() : 0;
  return step - jitter;
}

/** Attempts allowed before giving up on a peer of this role. */
export function maxAttemptsFor(role: Role, cfg: BackoffConfig): number {
  return cfg.maxAttempts[role];
}
