/**
 * Virtual time: the event queue, the clock that jumps from event to event, timers, network-level
 * callbacks and the hold that freezes and clogs put on a node's events. SimKernel extends it with what
 * the events mean.
 */
import type { TimerHandle } from '../../core/clock.js';
import type { SimConnection } from './connection.js';
import { CalendarQueue } from './calendar-queue.js';
import { EV_CALL, EV_TIMER, SimEvent } from './events.js';
import type { NodeRecord } from './node.js';

export abstract class Scheduler {
  /**
   * Pending events. A frame delivery is queued as (receiving end, frame) with no event record at all —
   * the commonest event costs no allocation and no extra object to touch; everything else is a SimEvent.
   */
  readonly queue = new CalendarQueue<SimEvent | SimConnection, Uint8Array>();
  /** Events taken off the queue so far. */
  eventsProcessed = 0;
  protected time = 0;
  /**
   * Latest end of any freeze or clog so far. Before it, events check their node for a hold; after it,
   * the per-frame path skips those checks (and the node record) entirely.
   */
  protected impairedUntil = 0;
  /** Dispatched event records ready for reuse (never more than the queue's peak size). */
  private readonly pool: SimEvent[] = [];

  now(): number {
    return this.time;
  }

  /** Handles one event; returns true when it put the event back in the queue instead (a held node). */
  protected abstract dispatch(ev: SimEvent): boolean;

  /** Hands `frame` to `end`'s listeners (or holds it while the receiving node is frozen or clogged). */
  protected abstract deliverFrame(end: SimConnection, frame: Uint8Array): void;

  /** Queues the arrival of `frame` at `end`. */
  protected pushFrame(at: number, end: SimConnection, frame: Uint8Array): void {
    this.queue.push(at, end, frame);
  }

  /** Notes a freeze or clog ending at `until`, so the event loop checks for held events until then. */
  impair(until: number): void {
    if (until > this.impairedUntil) this.impairedUntil = until;
  }

  /** Until when an event for `node` must wait: a freeze holds everything, a clog holds network events. */
  protected holdUntil(node: NodeRecord, networkEvent: boolean): number {
    if (node.frozenUntil > this.time) return node.frozenUntil;
    if (networkEvent && node.cloggedUntil > this.time) return node.cloggedUntil;
    return 0;
  }

  protected push(at: number, kind: number, node: NodeRecord | null, inc: number, conn: SimConnection | null, str = ''): SimEvent {
    // Recycled records: at scale a few hundred thousand events are pending at once, and fresh objects
    // that live that long get copied by every young-generation GC before they die.
    const ev = this.pool.pop();
    if (ev === undefined) {
      const fresh = new SimEvent(kind, node, inc, conn, null, str, 0);
      this.queue.push(at, fresh);
      return fresh;
    }
    ev.kind = kind;
    ev.node = node;
    ev.inc = inc;
    ev.conn = conn;
    ev.str = str;
    this.queue.push(at, ev);
    return ev;
  }

  /** Returns a dispatched event's record to the pool (timers are not pooled: their handles escape). */
  private release(ev: SimEvent): void {
    ev.node = null;
    ev.conn = null;
    ev.fn = null;
    ev.from = null;
    ev.num = 0;
    ev.detail = '';
    this.pool.push(ev);
  }

  setTimer(node: NodeRecord, inc: number, delayMs: number, fn: () => void): TimerHandle {
    const ev = new SimEvent(EV_TIMER, node, inc, null, fn, '', 0);
    // A dead incarnation's clock hands out handles that never fire.
    if (node.alive && node.incarnation === inc) this.queue.push(this.time + (delayMs > 0 ? delayMs : 0), ev);
    else ev.cancelled = true;
    return ev as unknown as TimerHandle;
  }

  cancelTimer(handle: TimerHandle): void {
    if ((handle as unknown) instanceof SimEvent) (handle as unknown as SimEvent).cancelled = true;
  }

  /** A network-level callback at now + delayMs; never deferred or dropped by faults. */
  call(delayMs: number, fn: () => void): void {
    const ev = new SimEvent(EV_CALL, null, 0, null, fn, '', 0);
    this.queue.push(this.time + (delayMs > 0 ? delayMs : 0), ev);
  }

  /** Runs the earliest event; false when the queue is empty. */
  step(): boolean {
    const queue = this.queue;
    const at = queue.peekTime();
    const item = queue.pop();
    if (item === undefined) return false;
    this.time = at;
    this.eventsProcessed++;
    const frame = queue.lastAux;
    if (frame !== null) {
      this.deliverFrame(item as SimConnection, frame);
    } else {
      const ev = item as SimEvent;
      if (!this.dispatch(ev) && ev.kind !== EV_TIMER) this.release(ev);
    }
    return true;
  }

  /** Moves virtual time forward to `at` without running anything (runFor's end when the queue runs dry). */
  advanceTo(at: number): void {
    if (at > this.time) this.time = at;
  }
}
