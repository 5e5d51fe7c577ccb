/**
 * peers/: the PeerManager state machine and its parts. The package root re-exports this.
 */
export { PeerManager } from './peer-manager.js';
export { DEFAULT_PEER_CONFIG, resolvePeerConfig } from './config.js';
export type { PeerConfigInput, PeerManagerConfig } from './config.js';
export { presets, fastDetection, stableNetwork, largeNetwork } from './presets.js';
export type { PeerPreset, PresetName } from './presets.js';
export { isDialer, preferConnection } from './dial-policy.js';
export { backoffDelay, backoffStep, maxAttemptsFor } from './backoff.js';
export { nextAttemptDelay, recordFailure, recordSuccess } from './failure-tracker.js';
export type { AttemptSchedule, FailureRecord } from './failure-tracker.js';
export { verdict } from './consensus.js';
export type { Tally } from './consensus.js';
export type {
  KnownPeerInput,
  PeerHealth,
  PeerManagerCounters,
  PeerManagerEvents,
  PeerManagerOptions,
  PeerManagerStats,
  PeerStat,
  SuspectCause,
} from './types.js';
