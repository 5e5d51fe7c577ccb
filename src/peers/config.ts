/**
 * Every knob of the PeerManager, documented next to its default (hashicorp memberlist's config.go is the
 * model). Defaults come from the two seed documents where they give a number:
 *  - "Kameo Remote Timing Behavior" (kameo_remote): gossip interval 5 s, 3 failures before `failed`,
 *    retry every 5 s after that, dead-peer timeout 15 min, consensus query 100 ms after a drop, pool 20.
 *  - "Network Design Verification": ping every 30 s, pong timeout 10 s, 3 missed pongs, reconnection
 *    backoff 5 s doubling to 300 s, reset on success, 20 attempts for server peers and 10 for browsers.
 * Knobs the documents do not cover say where their value comes from.
 *
 * This is also the one place for the limits of everything the network feeds (tables, queues, rates).
 */
import type { Role } from '../wire/frames.js';
import { MAX_RECORDS_PER_FRAME } from '../wire/limits.js';

export interface PeerManagerConfig {
  // ---- membership (HyParView views + kameo pool) ------------------------------------------------
  /** Hard cap on open, accepted connections (the active view). kameo `max_pooled_connections`: 20. */
  maxPooledConnections: number;
  /**
   * How many neighbours a node dials for on its own. Kameo connects to every known peer up to the pool,
   * so the default equals maxPooledConnections: rooms up to 21 peers are a full mesh. Large rooms use a
   * smaller target (presets.largeNetwork) and rely on the overlay (HyParView, Leitão et al.: 5 active).
   */
  activeViewTarget: number;
  /** Known-but-not-connected peers kept (the passive view). HyParView uses 30; we keep more. */
  maxPassivePeers: number;
  /** Maintenance tick: discovery attempts, view repair, dial-me walks. kameo gossip interval: 5 s. */
  gossipIntervalMs: number;
  /** Shuffle period (HyParView passive-view refresh). iroh-gossip: 60 s; ours: 30 s (not from a seed doc). */
  shuffleIntervalMs: number;
  /** Records in one shuffle / shuffle-reply (HyParView: 1 + 3 active + 4 passive). */
  shuffleSize: number;
  /** Hops of a shuffle random walk before the end node replies (HyParView paper: 6; ours 3). */
  shuffleTtl: number;
  /** Hops of a dial-me (forward-join) walk (HyParView active random walk length: 6). */
  forwardJoinTtl: number;
  /** Coalesces active-view changes into one `peers exchange` to every neighbour (ms). */
  viewAnnounceDelayMs: number;

  // ---- failure tracking (kameo) -----------------------------------------------------------------
  /** Consecutive failed connection attempts before a peer is `failed`. kameo: 3. */
  maxPeerFailures: number;
  /** Retry period for a `failed` peer we never reached. kameo: 5 s. */
  peerRetryIntervalMs: number;
  /** Time without contact after which a failed/down peer is `dead`: its records are dropped. kameo: 15 min. */
  deadPeerTimeoutMs: number;
  /** Peers being retried on the kameo schedule at once (bounds timers and dials); the oldest stop first. */
  maxRetryingPeers: number;

  // ---- reconnection (Network Design Verification) -----------------------------------------------
  /** First reconnection delay after a connection we held was lost: 5 s. */
  backoffInitialMs: number;
  /** Cap of the doubling: 300 s. */
  backoffMaxMs: number;
  backoffMultiplier: number;
  /** Each delay is shortened by up to this fraction, drawn from the injected Random (ours: 0.1). */
  backoffJitter: number;
  /** Reconnection attempts before giving up, by the remote peer's role: server 20, browser 10. */
  maxAttempts: Record<Role, number>;
  /** A dial with no outcome after this long counts as a failed attempt (frozen hosts never answer). */
  dialTimeoutMs: number;

  // ---- liveness (Network Design Verification) ---------------------------------------------------
  /** Ping a neighbour after this much silence (the dialer pings; the acceptor only if pings stop): 30 s. */
  pingIntervalMs: number;
  /** A ping without any frame back within this is a missed pong, and the ping is retried at once: 10 s. */
  pongTimeoutMs: number;
  /** Consecutive missed pongs before the connection is dropped: 3. */
  maxMissedPongs: number;
  /** hello + neighbor handshake must complete within this (ms), else the connection is closed. */
  handshakeTimeoutMs: number;
  /**
   * A node with no connection at all for this long dials a known peer even against the dial rule (ours:
   * 3 gossip intervals). Only the smaller id dials, so a node whose known peers all sort below it and do
   * not know it would otherwise wait forever; the delay lets them dial first, as they usually do.
   */
  isolationDialDelayMs: number;
  /** The dialer repeats hello + neighbor request this often until answered (lossy links; ours: 1 s). */
  handshakeRetryMs: number;

  // ---- consensus (kameo) ------------------------------------------------------------------------
  /** Delay between losing a peer and asking the others about it. kameo: 100 ms. */
  consensusDelayMs: number;
  /** Answers are counted until this long after the query (ours: 1 s). */
  consensusTimeoutMs: number;
  /** Neighbours asked per query (ours: 8). */
  consensusFanout: number;
  /** Queries of ours in flight at once; beyond, the peer is judged on local evidence (ours: 16). */
  maxInflightQueries: number;
  /** Whether a `down` verdict drops the peer's announced records at once (kameo: configurable; default keep until dead). */
  invalidateRecordsOnDown: boolean;

  // ---- abuse limits (per connection) -----------------------------------------------------------
  /** Pongs we send per second per connection; pings beyond are counted and not answered. */
  maxPongsPerSecond: number;
  /** Membership frames (peers, neighbor) accepted per second per connection; beyond are dropped. */
  maxMembershipFramesPerSecond: number;
  /** Queries answered per second per connection; beyond are dropped. */
  maxAnswersPerSecond: number;
  /** Records taken from one peers frame (the codec caps the frame at MAX_RECORDS_PER_FRAME). */
  maxRecordsPerPeersFrame: number;
  /** Protocol errors tolerated on one connection before bye tooManyErrors + close. */
  maxProtocolErrors: number;

  /** Capabilities announced in our hello (e.g. 'plumtree', 'deflate'). */
  capabilities: string[];
}

export const DEFAULT_PEER_CONFIG: Readonly<PeerManagerConfig> = Object.freeze({
  maxPooledConnections: 20,
  activeViewTarget: 20,
  maxPassivePeers: 100,
  gossipIntervalMs: 5_000,
  shuffleIntervalMs: 30_000,
  shuffleSize: 8,
  shuffleTtl: 3,
  forwardJoinTtl: 6,
  viewAnnounceDelayMs: 500,

  maxPeerFailures: 3,
  peerRetryIntervalMs: 5_000,
  deadPeerTimeoutMs: 900_000,
  maxRetryingPeers: 32,

  backoffInitialMs: 5_000,
  backoffMaxMs: 300_000,
  backoffMultiplier: 2,
  backoffJitter: 0.1,
  maxAttempts: Object.freeze({ server: 20, browser: 10 }) as Record<Role, number>,
  dialTimeoutMs: 10_000,

  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  maxMissedPongs: 3,
  handshakeTimeoutMs: 10_000,
  isolationDialDelayMs: 15_000,
  handshakeRetryMs: 1_000,

  consensusDelayMs: 100,
  consensusTimeoutMs: 1_000,
  consensusFanout: 8,
  maxInflightQueries: 16,
  invalidateRecordsOnDown: false,

  maxPongsPerSecond: 10,
  maxMembershipFramesPerSecond: 20,
  maxAnswersPerSecond: 20,
  maxRecordsPerPeersFrame: MAX_RECORDS_PER_FRAME,
  maxProtocolErrors: 32,

  capabilities: [] as string[],
});

/** What callers pass: any subset of the knobs; maxAttempts may name one role only. */
export type PeerConfigInput = Partial<Omit<PeerManagerConfig, 'maxAttempts'>> & { maxAttempts?: Partial<Record<Role, number>> };

/** Defaults, then each override in order (maxAttempts merges per role). Throws on nonsense values. */
export function resolvePeerConfig(...overrides: (PeerConfigInput | undefined)[]): PeerManagerConfig {
  const out: PeerManagerConfig = { ...DEFAULT_PEER_CONFIG, maxAttempts: { ...DEFAULT_PEER_CONFIG.maxAttempts } };
  for (const o of overrides) {
    if (!o) continue;
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined) continue;
      if (k === 'maxAttempts') out.maxAttempts = { ...out.maxAttempts, ...(v as Partial<Record<Role, number>>) };
      else (out as unknown as Record<string, unknown>)[k] = v;
    }
  }
  if (out.activeViewTarget > out.maxPooledConnections) out.activeViewTarget = out.maxPooledConnections;
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'number' && !(v >= 0)) throw new RangeError(`PeerManager config: ${k} must be a number ≥ 0`);
  }
  if (out.maxPeerFailures < 1 || out.maxMissedPongs < 1 || out.maxPooledConnections < 1) {
    throw new RangeError('PeerManager config: maxPeerFailures, maxMissedPongs and maxPooledConnections must be ≥ 1');
  }
  return out;
}
