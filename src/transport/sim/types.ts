/**
 * The simulator's public contract. Protocol code never imports this file: it sees only Clock, Random,
 * Transport and Buggify (src/core/). Tests and benchmarks drive a SimNetwork.
 */
import type { Buggify } from '../../core/buggify.js';
import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import type { Transport } from '../../core/transport.js';
import type { PeerId } from '../../wire/frames.js';

export type JitterDistribution = 'uniform' | 'exponential' | 'normal';

/** Properties of the directed link between two nodes. Probabilities are per frame. */
export interface LinkOptions {
  /** Base one-way latency (ms). Default 20. */
  latencyMs: number;
  /** Jitter added to the base (ms; mean for exponential, σ for normal, max for uniform). Default 5. */
  jitterMs: number;
  jitter: JitterDistribution;
  /** Bytes per second; frames queue behind each other on the link. Undefined: unlimited. */
  bandwidthBytesPerSec?: number;
  /** Probability a frame is lost. Default 0. */
  loss: number;
  /** Probability a frame is delivered twice. Default 0. */
  duplicate: number;
  /** Probability a frame ignores FIFO order (its latency is drawn independently). Default 0. */
  reorder: number;
}

export interface SimNetworkOptions extends Partial<LinkOptions> {
  seed: number;
  /** Probability a dial fails outright. Default 0. */
  connectFailure?: number;
  /** Probability, per delivered frame, that the connection is reset (both ends see close). Default 0. */
  resetProbability?: number;
  /** Probability each buggify site is active for this seed. Default 0.25. */
  buggifyActivation?: number;
  /** Keep the last N trace entries in memory for tests (the hash always covers all). Default 10,000. */
  traceKeep?: number;
  /** Keep the last N fault timeline entries (faults()); older ones are counted in stats().faultsForgotten. Default 100,000. */
  faultKeep?: number;
  /** A dial across a partition gets no answer and fails after this long (ms). Default 3,000. */
  connectTimeoutMs?: number;
  /** send() returns false once a connection has more than this many bytes queued (bandwidth-limited links). Default 1 MiB. */
  highWaterMarkBytes?: number;
  /** 'drain' fires when the queue falls to this many bytes after send() returned false. Default 256 KiB. */
  lowWaterMarkBytes?: number;
}

/** Per-node options for SimNetwork.addNode. */
export interface SimNodeOptions {
  /** What this node's connections report as `remoteCapabilities` at the other end. Default []. */
  capabilities?: readonly string[];
}

/** Counters over the whole run (SimNetwork.stats()). */
export interface SimStats {
  /** Virtual time now (ms). */
  now: number;
  /** Events taken off the queue (including ones that turned out stale, e.g. a crashed node's timer). */
  eventsProcessed: number;
  /** Frames handed to a 'data' listener (duplicates count twice). */
  deliveries: number;
  bytesDelivered: number;
  /** Frames sent with send() on an open connection. */
  framesSent: number;
  /** Frames that never reached a listener, by reason: loss, partition, closed, crashed, reset. */
  dropped: Record<string, number>;
  duplicates: number;
  reordered: number;
  timersFired: number;
  /** Timers that never fired because their node crashed or restarted. */
  timersDropped: number;
  dials: number;
  dialFailures: Record<string, number>;
  connectionsOpened: number;
  connectionsClosed: number;
  resets: number;
  buggifyFired: number;
  /** Fault timeline entries dropped to stay within faultKeep. */
  faultsForgotten: number;
  /** Trace entries recorded (all of them are in traceHash(); the last traceKeep are in trace()). */
  traceEntries: number;
}

/** A node's storage that survives crash/restart (its "disk"). */
export type SimStore = Map<string, unknown>;

export interface SimNode {
  readonly id: PeerId;
  /** Virtual clock; a crashed node's timers are dropped, a frozen node's wait until it thaws. */
  readonly clock: Clock;
  /**
   * This node's own stream, derived from (seed, id, incarnation): stable across runs, independent of the
   * order nodes were added, and fresh after a restart.
   */
  readonly random: Random;
  /**
   * This incarnation's transport; a restart builds a new one. Dial addresses are peer ids. Frames are
   * delivered without copying (the receiver gets the sender's Uint8Array): never mutate a frame after
   * send() or inside a 'data' listener.
   */
  readonly transport: Transport;
  readonly buggify: Buggify;
  /** Persistent store: kept across restart(). */
  readonly store: SimStore;
  readonly alive: boolean;
  /** Incremented on every restart. */
  readonly incarnation: number;
}

/** Called when a node boots (at addNode and at every restart) to build its in-memory protocol state. */
export type BootFn = (node: SimNode) => void;

export type FaultType =
  | 'partition'
  | 'heal'
  | 'crash'
  | 'restart'
  | 'freeze'
  | 'thaw'
  | 'clog'
  | 'unclog'
  | 'reset'
  | 'connect-failure'
  | 'loss'
  | 'buggify';

export interface FaultEvent {
  at: number;
  type: FaultType;
  nodes: PeerId[];
  detail?: string;
}

export type TraceEntryType = 'deliver' | 'timer' | 'fault' | 'connect' | 'close';

export interface TraceEntry {
  at: number;
  type: TraceEntryType;
  from?: PeerId;
  to?: PeerId;
  bytes?: number;
  detail?: string;
}
