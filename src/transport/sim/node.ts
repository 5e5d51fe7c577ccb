/**
 * A simulated node: the SimNode view handed to boot functions and tests. One record per node id lives
 * for the whole run; restart() swaps in a fresh incarnation (transport, clock, random — everything boot
 * builds from them is memory and is lost) while `store`, the node's "disk", carries over.
 */
import type { Buggify } from '../../core/buggify.js';
import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import type { PeerId } from '../../wire/frames.js';
import type { SimConnection } from './connection.js';
import type { LinkState } from './link.js';
import type { SimTransport } from './transport.js';
import type { SimNode, SimStore } from './types.js';

export class NodeRecord implements SimNode {
  alive = true;
  incarnation = 0;
  /** Events for this node wait until this time (freeze). */
  frozenUntil = 0;
  /** Traffic in and out of this node waits until this time (clog). */
  cloggedUntil = 0;
  readonly store: SimStore = new Map();
  /** Outgoing links, by remote id, created on first use; they outlive incarnations (they are the wire). */
  readonly links = new Map<PeerId, LinkState>();
  /** This incarnation's connection ends that are not closed yet. */
  readonly conns = new Set<SimConnection>();

  // Set by the network at boot (definite assignment: every record is booted before it is handed out).
  clock!: Clock;
  random!: Random;
  transport!: SimTransport;

  constructor(
    readonly id: PeerId,
    /** Position in the network's node list: what the trace records instead of the id string. */
    readonly index: number,
    readonly capabilities: readonly string[],
    readonly buggify: Buggify,
  ) {}
}
