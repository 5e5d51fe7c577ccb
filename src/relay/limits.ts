/**
 * Every bound of the relay components, in one place (docs/PROTOCOL.md lists the same numbers).
 * Each map, queue or cache fed by the network has its limit here, with a default.
 */
import { DEFAULT_MAX_FRAME_BYTES, MAX_IDS_PER_FRAME } from '../wire/limits.js';

// ---- GossipProtocol -----------------------------------------------------------------------------

/** The gossip's limits; override any of them through `GossipOptions.limits`. */
export interface GossipLimits {
  /** Messages kept for serving iwant / graft / pull (oldest evicted first). */
  maxCachedMessages: number;
  /** Payload bytes kept in that cache (oldest evicted first). */
  maxCachedBytes: number;
  /** Ids announced (ihave / digest) but not yet received; past it the oldest is dropped and counted. */
  maxMissingIds: number;
  /** Announcers remembered per missing id (the peers a graft / iwant may go to). */
  maxAnnouncersPerId: number;
  /** Requests (graft / iwant) per missing id before it is left to the next anti-entropy exchange. */
  maxRequestAttempts: number;
  /** Messages served to one peer per gossip round, over iwant, graft and digest answers together. */
  maxServedPerPeerPerRound: number;
  /** Entries of the default in-memory seen store (when no `seen` store is injected). */
  maxSeenEntries: number;
  /** Origins remembered for the network-size estimate of the adaptive fanout. */
  maxTrackedOrigins: number;
  /** Ids in one digest (the newest of the anti-entropy window); also the ids per ihave / iwant frame. */
  maxIdsPerFrame: number;
  /** Largest payload a deflate message may inflate to (bytes); a larger one is dropped and counted. */
  maxInflatedBytes: number;
}

export const DEFAULT_GOSSIP_LIMITS: Readonly<GossipLimits> = Object.freeze({
  maxCachedMessages: 10_000,
  maxCachedBytes: 64 * 1024 * 1024,
  maxMissingIds: 4_096,
  maxAnnouncersPerId: 8,
  maxRequestAttempts: 4,
  maxServedPerPeerPerRound: 256,
  maxSeenEntries: 100_000,
  maxTrackedOrigins: 10_000,
  maxIdsPerFrame: MAX_IDS_PER_FRAME,
  maxInflatedBytes: DEFAULT_MAX_FRAME_BYTES,
});

// ---- FloodRouter and MessageRelay ---------------------------------------------------------------

/** Most links a flooded msg frame may cross (the origin's neighbours see hops = 1); past it, dropped and counted. */
export const DEFAULT_FLOOD_HOP_LIMIT = 32;

/** MessageRelay's bounds on mode announcements (ModeFrame) from the network. */
export interface ModeAnnounceLimits {
  /**
   * Largest epoch step accepted from one announcement: an honest announcer bumps the epoch by one, so a
   * huge jump is a forged or corrupt frame that would otherwise pin the mesh's mode forever.
   */
  maxEpochStep: number;
  /** Announcements accepted (and re-flooded) in a burst; refilled one per refillMs (a token bucket). */
  burst: number;
  refillMs: number;
}

export const DEFAULT_MODE_ANNOUNCE_LIMITS: Readonly<ModeAnnounceLimits> = Object.freeze({
  maxEpochStep: 1_024,
  burst: 8,
  refillMs: 1_000,
});
