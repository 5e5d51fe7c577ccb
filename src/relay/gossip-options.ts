/**
 * GossipProtocol's options: every knob documented next to its default, in one place
 * (DEFAULT_GOSSIP_OPTIONS). The first five are the seed design's; the rest are Plumtree's and the
 * control-traffic budget's.
 */
import { DEFAULT_GOSSIP_LIMITS, type GossipLimits } from './limits.js';

export interface GossipOptions {
  /** Peers picked per gossip round for a push or a pull (ignored when adaptiveFanout is on). Seed: 4. */
  fanout: number;
  /** Milliseconds between gossip rounds. Seed: 1000. */
  gossipInterval: number;
  /** Milliseconds a message is cached for repair and remembered as seen (default seen TTL). Seed: 60000. */
  maxMessageAge: number;
  /** Milliseconds between sweeps of expired seen ids, cached messages and origins. Seed: 30000. */
  pruneInterval: number;
  /** Probability that a round's peer gets a push (ihave) rather than a pull (digest). Seed: 0.7. */
  pushPullRatio: number;
  /**
   * Derive the fanout from the estimated network size N: ⌈ln N⌉ + fanoutConstant. N is the largest of
   * (known peers + 1), the distinct origins seen within maxMessageAge, and networkSizeHint.
   */
  adaptiveFanout: boolean;
  /** The c in ⌈ln N⌉ + c. */
  fanoutConstant: number;
  /** A host-supplied size estimate for the adaptive fanout (e.g. from the membership layer); 0: none. */
  networkSizeHint: number;
  /** Most links a msg frame may cross (the origin's neighbours see hops = 1); past it, dropped and counted. */
  hopLimit: number;
  /**
   * Plumtree's timer: how long a missing id announced by ihave waits for the tree to deliver it before
   * a graft goes to its first announcer. Ihave only announces ids older than lazyPushDelay, so a tree
   * copy still in flight after that is rare: 250 ms is about ten hops at the simulator's default latency.
   */
  graftTimeout: number;
  /** After a graft or iwant, how long to wait before asking the next announcer. */
  requestRetryTimeout: number;
  /**
   * Lazy push: each new id is announced (ihave, batched) to this many peers not known to have it — the
   * round's push targets first, then random lazy peers. Classic Plumtree: every lazy peer (Infinity).
   */
  lazyFanout: number;
  /** An id is announced (ihave) or listed in digests only once it is this old (ms): the tree had its chance. */
  lazyPushDelay: number;
  /**
   * The anti-entropy window (ms): digests list the ids that became announceable (see lazyPushDelay)
   * within it, and a digest is answered with the ids of the window's middle half that it lacks. Short,
   * so that each id costs a few digest entries and idle rounds send nothing; several rounds long, so
   * that a node that missed a message meets it in several exchanges.
   */
  antiEntropyWindow: number;
  /**
   * The flood phase: for its first floodHops hops a new message goes to lazy peers too (route 'flood'),
   * not just down the tree, so it enters the tree at many points near its origin — a shared tree alone
   * stretches paths about twofold. 0: pure Plumtree. The copies this adds grow with the phase's reach
   * (≈ degree^floodHops nodes), so the relative cost falls as the network grows: at N = 1000, degree 8,
   * the defaults keep the redundancy near 0.35 extra copies per node per message.
   */
  floodHops: number;
  /**
   * The flood phase runs only while the estimated network size is at least this. In a small mesh tree
   * paths are short anyway, and the phase would turn every message into a flood (at 5 nodes, 3 hops reach
   * everyone), doubling the bytes on the wire for no latency gain. 0: always. MeshNode sets 64 and keeps
   * networkSizeHint at the number of peers its PeerManager knows.
   */
  floodPhaseMinNodes: number;
  /** On the last hop of the flood phase, a node sends to this many random lazy peers (not all of them). */
  floodFanout: number;
  /**
   * An eager peer whose tree copies were duplicates this many times in a row (never a first copy) is a
   * redundant tree edge (typically left by a graft) and is pruned. Flood-phase waves also meet on real
   * tree edges now and then, and pruning one of those fragments the tree, so this is a slow sweeper
   * (at 8 the N = 1000 bench already loses tree edges; at 32 it does not).
   */
  redundantAfter: number;
  /** Msgs sent in answer to one digest (ids the requester lacks). */
  maxPullPerRound: number;
  /** broadcastCompressed deflates payloads larger than this many bytes. */
  compressionThreshold: number;
  limits: GossipLimits;
}

export const DEFAULT_GOSSIP_OPTIONS: Readonly<GossipOptions> = Object.freeze({
  fanout: 4,
  gossipInterval: 1000,
  maxMessageAge: 60_000,
  pruneInterval: 30_000,
  pushPullRatio: 0.7,
  adaptiveFanout: false,
  fanoutConstant: 1,
  networkSizeHint: 0,
  hopLimit: 32,
  graftTimeout: 250,
  requestRetryTimeout: 500,
  lazyFanout: 3,
  lazyPushDelay: 500,
  antiEntropyWindow: 2500,
  maxPullPerRound: 64,
  floodHops: 3,
  floodPhaseMinNodes: 0,
  floodFanout: 2,
  redundantAfter: 32,
  compressionThreshold: 1024,
  limits: DEFAULT_GOSSIP_LIMITS,
});

/** User options (any subset; `limits` may be partial too). */
export type GossipOptionsInput = Partial<Omit<GossipOptions, 'limits'>> & { limits?: Partial<GossipLimits> };

function check(name: string, value: number, min: number, integer = false): void {
  if (!(value >= min) || Number.isNaN(value) || (integer && Number.isFinite(value) && !Number.isInteger(value))) {
    throw new RangeError(`GossipProtocol: ${name} must be ${integer ? 'an integer ' : ''}≥ ${min} (got ${value})`);
  }
}

/** Defaults merged with `input`, validated (a RangeError names the bad option). */
export function resolveGossipOptions(input: GossipOptionsInput = {}): GossipOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const limits: GossipLimits = { ...DEFAULT_GOSSIP_LIMITS, ...(input.limits ?? {}) };
  const o: GossipOptions = { ...DEFAULT_GOSSIP_OPTIONS, ...defined, limits };
  check('fanout', o.fanout, 1, true);
  check('gossipInterval', o.gossipInterval, 1);
  check('maxMessageAge', o.maxMessageAge, 1);
  check('pruneInterval', o.pruneInterval, 1);
  check('pushPullRatio', o.pushPullRatio, 0);
  if (o.pushPullRatio > 1) throw new RangeError('GossipProtocol: pushPullRatio must be within [0, 1]');
  check('fanoutConstant', o.fanoutConstant, 0, true);
  check('networkSizeHint', o.networkSizeHint, 0);
  check('hopLimit', o.hopLimit, 1, true);
  check('graftTimeout', o.graftTimeout, 0);
  check('requestRetryTimeout', o.requestRetryTimeout, 1);
  check('lazyFanout', o.lazyFanout, 0);
  check('lazyPushDelay', o.lazyPushDelay, 0);
  check('antiEntropyWindow', o.antiEntropyWindow, 0);
  check('maxPullPerRound', o.maxPullPerRound, 0, true);
  check('floodHops', o.floodHops, 0, true);
  check('floodPhaseMinNodes', o.floodPhaseMinNodes, 0, true);
  check('floodFanout', o.floodFanout, 0, true);
  check('redundantAfter', o.redundantAfter, 1, true);
  check('compressionThreshold', o.compressionThreshold, 0);
  for (const [name, value] of Object.entries(limits)) check(`limits.${name}`, value, 1, true);
  return o;
}
