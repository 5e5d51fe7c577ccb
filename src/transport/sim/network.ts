/**
 * SimNetwork: a whole mesh in one process, in virtual time, deterministic from a seed. Tests and benches
 * add nodes (each with a boot function that builds its protocol state from the node's Clock, Random,
 * Transport and Buggify), inject faults, and run the event loop; the trace hash and fault timeline
 * record what happened.
 *
 * Fault semantics (seen from the protocol's side):
 * - partition(A, B): frames and close notices between the groups are dropped, dials across fail with
 *   'timeout' after connectTimeoutMs; open connections stay open (no EOF), like a real partition. A
 *   connection closed on one side during the partition stays half-open on the other until a frame
 *   crosses after heal() and draws a reset.
 * - crash(id): the process dies. Its timers and pending events are dropped; each of its connections
 *   closes at the remote end with 'eof' after latency.
 * - restart(id): a crash if still alive, then a new incarnation: new transport/clock/random, boot runs
 *   again, `store` kept.
 * - freeze(id, ms): a hung process. Nothing closes; its timers, incoming frames and connection events
 *   wait until the thaw, then run in their original order.
 * - clog(id, ms): traffic in and out of the node waits until the clog ends; its timers still run.
 */
import type { Buggify } from '../../core/buggify.js';
import type { PeerId } from '../../wire/frames.js';
import { BuggifySites } from './buggify.js';
import { DEFAULT_BUGGIFY_ACTIVATION, DEFAULT_BUGGIFY_PROBABILITY } from './limits.js';
import { SimKernel } from './kernel.js';
import { NodeRecord } from './node.js';
import type { BootFn, FaultEvent, LinkOptions, SimNetworkOptions, SimNode, SimNodeOptions, SimStats, TraceEntry } from './types.js';

export class SimNetwork {
  private readonly kernel: SimKernel;
  private readonly sites: BuggifySites;

  constructor(readonly options: SimNetworkOptions) {
    this.kernel = new SimKernel(options);
    this.sites = new BuggifySites(options.seed, options.buggifyActivation ?? DEFAULT_BUGGIFY_ACTIVATION);
  }

  // ---- nodes -------------------------------------------------------------------------------------

  /** Adds a node and boots it (runs `boot` now, and again at every restart). */
  addNode(id: PeerId, boot?: BootFn, options: SimNodeOptions = {}): SimNode {
    if (this.kernel.byId.has(id)) throw new Error(`SimNetwork: node ${id} already exists`);
    const buggify: Buggify = (site, probability) => this.fire(site, probability, id);
    const record = new NodeRecord(id, this.kernel.records.length, options.capabilities ?? [], buggify);
    this.kernel.addRecord(record, boot);
    return record;
  }

  node(id: PeerId): SimNode {
    return this.record(id);
  }

  nodes(): SimNode[] {
    return this.kernel.records.slice();
  }

  private record(id: PeerId): NodeRecord {
    const record = this.kernel.byId.get(id);
    if (record === undefined) throw new Error(`SimNetwork: unknown node ${id}`);
    return record;
  }

  // ---- links -------------------------------------------------------------------------------------

  /** Overrides the directed link a → b (merged over earlier overrides and the network defaults). */
  setLink(a: PeerId, b: PeerId, options: Partial<LinkOptions>): void {
    this.kernel.setLink(a, b, options);
  }

  /** The effective options of the directed link a → b. */
  linkOptions(a: PeerId, b: PeerId): LinkOptions {
    return this.kernel.linkOptions(a, b);
  }

  /** Convenience: `a` dials `b` (the outcome arrives on a's transport as usual). */
  connect(a: PeerId, b: PeerId): void {
    this.record(a).transport.dial(b);
  }

  // ---- faults ------------------------------------------------------------------------------------

  partition(groupA: readonly PeerId[], groupB: readonly PeerId[]): void {
    this.kernel.partitions.add(groupA, groupB);
    this.kernel.recordFault('partition', [...groupA, ...groupB], `${groupA.length}|${groupB.length}`);
  }

  heal(): void {
    this.kernel.partitions.clear();
    this.kernel.recordFault('heal', []);
  }

  isPartitioned(a: PeerId, b: PeerId): boolean {
    return this.kernel.partitions.blocked(a, b);
  }

  crash(id: PeerId): void {
    const record = this.record(id);
    if (!record.alive) return;
    this.kernel.crash(record);
    this.kernel.recordFault('crash', [id]);
  }

  /** Boots a new incarnation (crashing the current one first if it is alive); the store survives. */
  restart(id: PeerId): void {
    const record = this.record(id);
    if (record.alive) this.crash(id);
    record.incarnation++;
    record.alive = true;
    this.kernel.recordFault('restart', [id], String(record.incarnation));
    this.kernel.boot(record);
  }

  freeze(id: PeerId, ms: number): void {
    const record = this.record(id);
    if (!record.alive) return;
    const until = Math.max(record.frozenUntil, this.kernel.now() + ms);
    record.frozenUntil = until;
    this.kernel.impair(until);
    const inc = record.incarnation;
    this.kernel.recordFault('freeze', [id], String(ms));
    this.kernel.call(until - this.kernel.now(), () => {
      if (record.alive && record.incarnation === inc && record.frozenUntil === until) this.kernel.recordFault('thaw', [id]);
    });
  }

  clog(id: PeerId, ms: number): void {
    const record = this.record(id);
    if (!record.alive) return;
    const until = Math.max(record.cloggedUntil, this.kernel.now() + ms);
    record.cloggedUntil = until;
    this.kernel.impair(until);
    const inc = record.incarnation;
    this.kernel.recordFault('clog', [id], String(ms));
    this.kernel.call(until - this.kernel.now(), () => {
      if (record.alive && record.incarnation === inc && record.cloggedUntil === until) this.kernel.recordFault('unclog', [id]);
    });
  }

  /**
   * Whether the buggify `site` fires now: the site is active for this seed with probability
   * `buggifyActivation`, and an active site fires with `probability` (default 0.25). Firings go on the
   * fault timeline. Each node's `buggify` is this, tagged with the node id.
   */
  buggify(site: string, probability?: number): boolean {
    return this.fire(site, probability, undefined);
  }

  /** Whether `site` is active for this seed (firing or not). */
  buggifyActive(site: string): boolean {
    return this.sites.isActive(site);
  }

  private fire(site: string, probability: number | undefined, node: PeerId | undefined): boolean {
    if (!this.sites.fires(site, probability ?? DEFAULT_BUGGIFY_PROBABILITY)) return false;
    this.kernel.counters.buggifyFired++;
    this.kernel.recordFault('buggify', node === undefined ? [] : [node], site);
    return true;
  }

  // ---- time --------------------------------------------------------------------------------------

  now(): number {
    return this.kernel.now();
  }

  /** Events waiting in the queue (0: nothing more will ever happen unless something is scheduled). */
  get pendingEvents(): number {
    return this.kernel.queue.size;
  }

  /** Runs `fn` at now + delayMs (network-level: unaffected by any node's faults). */
  schedule(delayMs: number, fn: () => void): void {
    this.kernel.call(delayMs, fn);
  }

  /** Runs the earliest event; false when there is none. */
  step(): boolean {
    return this.kernel.step();
  }

  /** Runs every event due in the next `ms` of virtual time; afterwards now() is exactly `ms` later. */
  runFor(ms: number): void {
    const end = this.kernel.now() + ms;
    const queue = this.kernel.queue;
    while (queue.peekTime() <= end) this.kernel.step();
    this.kernel.advanceTo(end);
  }

  /**
   * Runs events until `predicate()` holds (checked before the first and after every event) or `limitMs`
   * of virtual time pass. Returns whether the predicate held; on false, now() is the limit.
   */
  runUntil(predicate: () => boolean, limitMs: number): boolean {
    if (predicate()) return true;
    const end = this.kernel.now() + limitMs;
    const queue = this.kernel.queue;
    while (queue.peekTime() <= end) {
      this.kernel.step();
      if (predicate()) return true;
    }
    this.kernel.advanceTo(end);
    return false;
  }

  // ---- records -----------------------------------------------------------------------------------

  /** Digest of every trace entry so far (16 hex digits). */
  traceHash(): string {
    return this.kernel.trace.hash();
  }

  /** The last `traceKeep` trace entries, oldest first. */
  trace(): TraceEntry[] {
    return this.kernel.trace.entries();
  }

  /**
   * The fault timeline, in order: injected faults (partition, heal, crash, restart, freeze, thaw, clog,
   * unclog) plus drawn resets, connect failures and buggify firings — the last `faultKeep` of them.
   * Drawn losses are counted in stats().dropped.loss instead (they are per frame).
   */
  faults(): FaultEvent[] {
    return this.kernel.faults();
  }

  stats(): SimStats {
    return this.kernel.stats();
  }
}
