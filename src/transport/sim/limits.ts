/**
 * Every default and bound of the simulator, in one place. Each is overridable per network through
 * SimNetworkOptions (link defaults also per directed link through setLink).
 */
import type { LinkOptions } from './types.js';

/** Link defaults: 20 ms one way plus up to 5 ms uniform jitter; no loss, duplication or reordering. */
export const DEFAULT_LINK: Readonly<LinkOptions> = {
  latencyMs: 20,
  jitterMs: 5,
  jitter: 'uniform',
  loss: 0,
  duplicate: 0,
  reorder: 0,
};
/** Trace entries kept in memory for trace() (the hash covers every entry regardless). */
export const DEFAULT_TRACE_KEEP = 10_000;
/** Fault timeline entries kept for faults(). */
export const DEFAULT_FAULT_KEEP = 100_000;
/** A dial across a partition fails after this long (ms): nothing answers, as with a real SYN timeout. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
/** Per-connection send queue (bandwidth-limited links): send() returns false above the high-water mark… */
export const DEFAULT_HIGH_WATER_MARK_BYTES = 1024 * 1024;
/** …and 'drain' fires once the queue is back down to the low-water mark. */
export const DEFAULT_LOW_WATER_MARK_BYTES = 256 * 1024;
/** Probability that a buggify site is active for a given seed (FoundationDB uses 25%). */
export const DEFAULT_BUGGIFY_ACTIVATION = 0.25;
/** Firing probability of an active site when the call gives none. */
export const DEFAULT_BUGGIFY_PROBABILITY = 0.25;
