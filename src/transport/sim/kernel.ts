/**
 * The simulation kernel: virtual time, the event queue, and what happens to dials, frames, closes and
 * timers as their events come due. SimNetwork (network.ts) is the public face and adds nodes and faults;
 * connections, transports and clocks call in here.
 *
 * Hot path (one frame): send() draws loss/latency and queues (receiving end, frame); deliverFrame() folds
 * it into the trace hash and calls the 'data' listeners. No allocation, closure, promise or copy per
 * frame, and no node record is read unless a partition, freeze or clog is in force.
 */
import { SeededRandom, type Random } from '../../core/random.js';
import type { PeerId } from '../../wire/frames.js';
import { SimClock } from './clock.js';
import { SimConnection } from './connection.js';
import {
  EV_CALL,
  EV_CLOSE_NOTICE,
  EV_CONNECT_ACK,
  EV_CONNECT_ARRIVE,
  EV_DIAL_FAILED,
  EV_LOCAL_CLOSE,
  EV_TIMER,
  EV_TX_DONE,
  SimEvent,
  isNetworkEvent,
} from './events.js';
import { Partitions } from './faults.js';
import { LinkState, copyLinkOptions, drawLatency, resolveLink, transmitMs, type OrderedLane } from './link.js';
import type { NodeRecord } from './node.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_FAULT_KEEP,
  DEFAULT_HIGH_WATER_MARK_BYTES,
  DEFAULT_LOW_WATER_MARK_BYTES,
  DEFAULT_TRACE_KEEP,
} from './limits.js';
import { Scheduler } from './scheduler.js';
import { Counters, bump, snapshot } from './stats.js';
import { TRACE_CLOSE, TRACE_CONNECT, TRACE_DELIVER, TRACE_FAULT, TRACE_TIMER, TraceRecorder } from './trace.js';
import { SimTransport } from './transport.js';
import type { BootFn, FaultEvent, FaultType, LinkOptions, SimNetworkOptions, SimStats } from './types.js';

export class SimKernel extends Scheduler {
  readonly records: NodeRecord[] = [];
  readonly byId = new Map<PeerId, NodeRecord>();
  /** Peer id by node index (what the trace stores). */
  readonly names: PeerId[] = [];
  readonly bootFns: (BootFn | undefined)[] = [];
  readonly trace: TraceRecorder;
  /** The fault timeline (at most faultKeep entries after trimming; see faults()). */
  private timeline: FaultEvent[] = [];
  readonly partitions = new Partitions();
  readonly counters = new Counters();
  /** Draws for links (latency, loss, duplicates, reorder, resets, connect failures), in event order. */
  private readonly linkRandom: Random;
  private readonly baseLink: Partial<LinkOptions>;
  /** The network-wide link options, resolved once (most links have no override). */
  private readonly defaultLink: LinkOptions;
  private readonly overrides = new Map<PeerId, Map<PeerId, Partial<LinkOptions>>>();
  private readonly connectFailure: number;
  private readonly resetProbability: number;
  private readonly connectTimeoutMs: number;
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly faultKeep: number;

  constructor(readonly options: SimNetworkOptions) {
    super();
    const { seed, connectFailure, resetProbability, buggifyActivation, traceKeep, faultKeep, connectTimeoutMs, highWaterMarkBytes, lowWaterMarkBytes, ...link } =
      options;
    this.baseLink = link;
    this.defaultLink = resolveLink(link);
    this.linkRandom = new SeededRandom(`${seed}/links`);
    this.connectFailure = connectFailure ?? 0;
    this.resetProbability = resetProbability ?? 0;
    this.connectTimeoutMs = connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.highWater = highWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK_BYTES;
    this.lowWater = lowWaterMarkBytes ?? DEFAULT_LOW_WATER_MARK_BYTES;
    this.trace = new TraceRecorder(traceKeep ?? DEFAULT_TRACE_KEEP, this.names);
    this.faultKeep = Math.max(1, faultKeep ?? DEFAULT_FAULT_KEEP);
    void buggifyActivation; // read by the facade
  }

  // ---- nodes -------------------------------------------------------------------------------------

  addRecord(record: NodeRecord, boot: BootFn | undefined): void {
    this.records.push(record);
    this.byId.set(record.id, record);
    this.names.push(record.id);
    this.bootFns.push(boot);
    this.boot(record);
  }

  /** Builds a fresh incarnation's clock, random stream and transport, then runs the node's boot function. */
  boot(record: NodeRecord): void {
    const inc = record.incarnation;
    record.clock = new SimClock(this, record, inc);
    record.random = new SeededRandom(`${this.options.seed}/node/${record.id}/${inc}`);
    record.transport = new SimTransport(this, record, inc);
    this.bootFns[record.index]?.(record);
  }

  /** The process dies: its connections end (the remote ends see EOF after latency), its timers go stale. */
  crash(record: NodeRecord): void {
    record.alive = false;
    record.transport.closed = true;
    record.frozenUntil = 0;
    record.cloggedUntil = 0;
    for (const end of record.conns) {
      end.closed = true;
      this.counters.connectionsClosed++;
      this.sendCloseNotice(end, 'eof');
    }
    record.conns.clear();
  }

  // ---- links -------------------------------------------------------------------------------------

  link(from: NodeRecord, to: PeerId): LinkState {
    let state = from.links.get(to);
    if (state === undefined) {
      const override = this.overrides.get(from.id)?.get(to);
      state = new LinkState(override === undefined ? this.defaultLink : resolveLink(this.baseLink, override));
      from.links.set(to, state);
    }
    return state;
  }

  setLink(from: PeerId, to: PeerId, options: Partial<LinkOptions>): void {
    let byTo = this.overrides.get(from);
    if (byTo === undefined) this.overrides.set(from, (byTo = new Map()));
    const merged = { ...byTo.get(to), ...options };
    byTo.set(to, merged);
    const node = this.byId.get(from);
    const state = node?.links.get(to);
    if (node === undefined || state === undefined) return;
    copyLinkOptions(state, resolveLink(this.baseLink, merged));
    for (const end of node.conns) if (end.remotePeerId === to) copyLinkOptions(end, state);
  }

  linkOptions(from: PeerId, to: PeerId): LinkOptions {
    return resolveLink(this.baseLink, this.overrides.get(from)?.get(to));
  }

  /**
   * Whether a partition cuts x from y. Per-frame callers test `partitions.active` themselves first, so
   * that without a partition the node records behind the ids are not even read.
   */
  private blocked(x: PeerId, y: PeerId): boolean {
    return this.partitions.active && this.partitions.blocked(x, y);
  }

  /** Arrival time of an in-order transmission on `lane` leaving at `departure` (FIFO: never before the last). */
  private fifoArrival(lane: OrderedLane, departure: number): number {
    let arrival = departure + drawLatency(lane, this.linkRandom);
    if (arrival < lane.lastArrival) arrival = lane.lastArrival;
    lane.lastArrival = arrival;
    return arrival;
  }

  private departure(node: NodeRecord): number {
    return this.time < this.impairedUntil && node.cloggedUntil > this.time ? node.cloggedUntil : this.time;
  }

  // ---- faults ------------------------------------------------------------------------------------

  recordFault(type: FaultType, nodes: PeerId[], detail?: string): void {
    const event: FaultEvent = { at: this.time, type, nodes };
    if (detail !== undefined) event.detail = detail;
    this.timeline.push(event);
    // Trim in batches so a long run with many buggify firings stays bounded at O(1) amortized cost.
    if (this.timeline.length >= this.faultKeep * 2) {
      this.counters.faultsForgotten += this.timeline.length - this.faultKeep;
      this.timeline = this.timeline.slice(-this.faultKeep);
    }
    const index = (id: PeerId | undefined) => (id === undefined ? -1 : (this.byId.get(id)?.index ?? -1));
    let tag = type as string;
    if (detail !== undefined) tag += `:${detail}`;
    if (nodes.length > 2) tag += `:${nodes.join(',')}`;
    this.trace.record(this.time, TRACE_FAULT, index(nodes[0]), index(nodes[1]), nodes.length, undefined, tag);
  }

  // ---- dial --------------------------------------------------------------------------------------

  dial(node: NodeRecord, inc: number, address: string): void {
    if (!node.alive || node.incarnation !== inc) return; // a dead process dials nobody
    this.counters.dials++;
    const departure = this.departure(node);
    if (node.transport.closed) return this.failDial(node, address, 'transport-closed', this.time);
    const target = this.byId.get(address);
    if (target === undefined || target === node) {
      const rtt = 2 * drawLatency(this.defaultLink, this.linkRandom);
      return this.failDial(node, address, target === undefined ? 'unknown-peer' : 'self', departure + rtt);
    }
    const link = this.link(node, address);
    if (this.connectFailure > 0 && this.linkRandom.next() < this.connectFailure) {
      this.recordFault('connect-failure', [node.id, address]);
      const rtt = drawLatency(link, this.linkRandom) + drawLatency(this.link(target, node.id), this.linkRandom);
      return this.failDial(node, address, 'connect-failure', departure + rtt);
    }
    if (this.blocked(node.id, address)) return this.failDial(node, address, 'timeout', departure + this.connectTimeoutMs);
    const ev = this.push(departure + drawLatency(link, this.linkRandom), EV_CONNECT_ARRIVE, target, 0, null, address);
    ev.from = node;
    ev.num = inc;
  }

  private failDial(node: NodeRecord, address: string, reason: string, at: number): void {
    const ev = this.push(at, EV_DIAL_FAILED, node, node.incarnation, null, address);
    ev.detail = reason;
  }

  /** The dial reached its target: accept (both ends built, the target told now, the dialer after latency) or refuse. */
  private arrive(target: NodeRecord, dialer: NodeRecord, dialerInc: number, address: string): void {
    if (!dialer.alive || dialer.incarnation !== dialerInc) return; // nobody left to answer
    if (this.blocked(dialer.id, target.id)) return this.failDial(dialer, address, 'timeout', this.time + this.connectTimeoutMs);
    const back = this.link(target, dialer.id);
    if (!target.alive || target.transport.closed) {
      return this.failDial(dialer, address, 'refused', this.departure(target) + drawLatency(back, this.linkRandom));
    }
    const targetEnd = new SimConnection(this, target, target.incarnation, dialer.id, dialer.index, false, dialer.capabilities, back, this.time);
    // The accept is the first thing on the target end's lane: frames it sends later arrive after it.
    const ackAt = this.fifoArrival(targetEnd, this.departure(target));
    const dialerEnd = new SimConnection(this, dialer, dialerInc, target.id, target.index, true, target.capabilities, this.link(dialer, target.id), ackAt);
    dialerEnd.peer = targetEnd;
    targetEnd.peer = dialerEnd;
    dialer.conns.add(dialerEnd);
    target.conns.add(targetEnd);
    this.counters.connectionsOpened++;
    this.push(ackAt, EV_CONNECT_ACK, dialer, dialerInc, dialerEnd);
    this.trace.record(this.time, TRACE_CONNECT, dialer.index, target.index, 0);
    target.transport.deliverConnection(targetEnd);
  }

  // ---- frames ------------------------------------------------------------------------------------

  send(end: SimConnection, frame: Uint8Array): boolean {
    const c = this.counters;
    if (end.closed) {
      bump(c.dropped, 'closed');
      return false;
    }
    c.framesSent++;
    const peer = end.peer;
    const link = end.link;
    let departure = this.time < this.impairedUntil ? this.departure(end.node) : this.time;
    const bandwidthLimited = end.bandwidthBytesPerSec !== undefined && end.bandwidthBytesPerSec > 0;
    if (bandwidthLimited) {
      const start = link.busyUntil > departure ? link.busyUntil : departure;
      departure = start + transmitMs(end, frame.length);
      link.busyUntil = departure;
      end.bufferedAmount += frame.length;
      this.push(departure, EV_TX_DONE, end.node, end.inc, end).num = frame.length;
    }
    if (this.partitions.active && this.blocked(end.node.id, peer.node.id)) {
      bump(c.dropped, 'partition');
    } else if (end.loss > 0 && this.linkRandom.next() < end.loss) {
      bump(c.dropped, 'loss');
    } else {
      let arrival: number;
      if (end.reorder > 0 && this.linkRandom.next() < end.reorder) {
        // Out of order: its own latency, not held behind earlier frames (but never before the end opens).
        arrival = departure + drawLatency(end, this.linkRandom);
        if (arrival < peer.openAt) arrival = peer.openAt;
        c.reordered++;
      } else {
        arrival = this.fifoArrival(end, departure);
      }
      this.pushFrame(arrival, peer, frame);
      if (end.duplicate > 0 && this.linkRandom.next() < end.duplicate) {
        const again = departure + drawLatency(end, this.linkRandom);
        this.pushFrame(again > arrival ? again : arrival, peer, frame);
        c.duplicates++;
      }
    }
    if (bandwidthLimited && end.bufferedAmount > this.highWater) {
      end.needDrain = true;
      return false;
    }
    return true;
  }

  close(end: SimConnection, reason: string): void {
    if (end.closed) return;
    this.closeEnd(end);
    this.push(this.time, EV_LOCAL_CLOSE, end.node, end.inc, end, reason);
    this.sendCloseNotice(end, 'eof');
  }

  closeTransport(node: NodeRecord, inc: number): void {
    if (!node.alive || node.incarnation !== inc) return;
    node.transport.closed = true;
    for (const end of [...node.conns]) this.close(end, 'transport-closed');
  }

  private closeEnd(end: SimConnection): void {
    end.closed = true;
    end.node.conns.delete(end);
    this.counters.connectionsClosed++;
  }

  /** Tells `from`'s peer that `from` is gone (FIN or RST), after queued frames, unless a partition eats it. */
  private sendCloseNotice(from: SimConnection, reason: string): void {
    const peer = from.peer;
    if (peer.closed || peer.closeNoticeInFlight) return;
    if (this.blocked(from.node.id, peer.node.id)) return; // lost: the peer's end stays half-open
    const busy = from.link.busyUntil;
    const departure = busy > this.departure(from.node) ? busy : this.departure(from.node);
    peer.closeNoticeInFlight = true;
    this.push(this.fifoArrival(from, departure), EV_CLOSE_NOTICE, peer.node, peer.inc, peer, reason);
  }

  protected deliverFrame(end: SimConnection, frame: Uint8Array): void {
    if (this.time < this.impairedUntil) {
      const until = this.holdUntil(end.node, true);
      if (until > 0) return this.pushFrame(until, end, frame);
    }
    const c = this.counters;
    if (end.closed) {
      const node = end.node;
      if (!node.alive || node.incarnation !== end.inc) {
        bump(c.dropped, 'crashed');
        return;
      }
      bump(c.dropped, 'closed');
      // A frame for a connection this side no longer has: answer with a reset, as a TCP stack would.
      if (!end.peer.closed) this.sendCloseNotice(end, 'reset');
      return;
    }
    if (this.partitions.active && this.blocked(end.peer.node.id, end.node.id)) {
      bump(c.dropped, 'partition');
      return;
    }
    if (this.resetProbability > 0 && this.linkRandom.next() < this.resetProbability) {
      const sender = end.peer;
      c.resets++;
      bump(c.dropped, 'reset');
      this.recordFault('reset', [end.node.id, sender.node.id]);
      this.closeEnd(end);
      this.sendCloseNotice(end, 'reset');
      this.trace.record(this.time, TRACE_CLOSE, end.localIndex, end.remoteIndex, 0, undefined, 'reset');
      end.deliverClose('reset');
      return;
    }
    c.deliveries++;
    c.bytesDelivered += frame.length;
    this.trace.record(this.time, TRACE_DELIVER, end.remoteIndex, end.localIndex, frame.length, frame);
    end.deliverData(frame);
  }

  /** Runs one event; true when it was put back in the queue instead (a frozen or clogged node). */
  protected dispatch(ev: SimEvent): boolean {
    const kind = ev.kind;
    const node = ev.node;
    if (node !== null) {
      if (kind === EV_CONNECT_ARRIVE) {
        // Addressed to whatever runs at the target now (any incarnation; a dead one refuses).
      } else if (!node.alive || node.incarnation !== ev.inc) {
        if (kind === EV_TIMER && !ev.cancelled) this.counters.timersDropped++;
        return false;
      }
      if (node.alive && this.time < this.impairedUntil) {
        const until = this.holdUntil(node, isNetworkEvent(kind));
        if (until > 0) {
          this.queue.push(until, ev); // a hung process handles nothing until it thaws
          return true;
        }
      }
    }
    switch (kind) {
      case EV_TIMER:
        if (ev.cancelled) return false;
        ev.cancelled = true; // fired: a later cancelTimer() is a no-op
        this.counters.timersFired++;
        this.trace.record(this.time, TRACE_TIMER, (node as NodeRecord).index, -1, 0);
        (ev.fn as () => void)();
        break;
      case EV_TX_DONE: {
        const end = ev.conn as SimConnection;
        end.bufferedAmount -= ev.num;
        if (end.needDrain && end.bufferedAmount <= this.lowWater && !end.closed) {
          end.needDrain = false;
          end.deliverDrain();
        }
        break;
      }
      case EV_CONNECT_ARRIVE:
        this.arrive(node as NodeRecord, ev.from as NodeRecord, ev.num, ev.str);
        break;
      case EV_CONNECT_ACK: {
        const end = ev.conn as SimConnection;
        if (end.closed) return false;
        this.trace.record(this.time, TRACE_CONNECT, end.localIndex, end.remoteIndex, 1);
        end.node.transport.deliverConnection(end);
        break;
      }
      case EV_DIAL_FAILED:
        bump(this.counters.dialFailures, ev.detail);
        (node as NodeRecord).transport.deliverDialFailed(ev.str, ev.detail);
        break;
      case EV_CLOSE_NOTICE: {
        const end = ev.conn as SimConnection;
        end.closeNoticeInFlight = false;
        if (end.closed) return false;
        if (this.blocked(end.peer.node.id, end.node.id)) return false; // lost in a partition: stays half-open
        this.closeEnd(end);
        this.trace.record(this.time, TRACE_CLOSE, end.remoteIndex, end.localIndex, 0, undefined, ev.str);
        end.deliverClose(ev.str);
        break;
      }
      case EV_LOCAL_CLOSE: {
        const end = ev.conn as SimConnection;
        this.trace.record(this.time, TRACE_CLOSE, end.localIndex, end.remoteIndex, 1, undefined, ev.str);
        end.deliverClose(ev.str);
        break;
      }
      case EV_CALL:
        (ev.fn as () => void)();
        break;
    }
    return false;
  }

  /** The last faultKeep fault events, oldest first. */
  faults(): FaultEvent[] {
    const extra = this.timeline.length - this.faultKeep;
    if (extra > 0) return this.timeline.slice(extra);
    return this.timeline.slice();
  }

  stats(): SimStats {
    // Entries past faultKeep that are not trimmed yet are already invisible to faults().
    const hidden = Math.max(0, this.timeline.length - this.faultKeep);
    return snapshot(this.counters, this.time, this.eventsProcessed, this.trace.length, this.counters.faultsForgotten + hidden);
  }
}
