/**
 * The simulator's event record for everything but frame deliveries (those are queued as bare
 * (connection end, frame) pairs). One small monomorphic class for every kind, so the loop stays on one
 * hidden class; records are pooled and reused.
 */
import type { SimConnection } from './connection.js';
import type { NodeRecord } from './node.js';

export const EV_TIMER = 0;
// (A frame's arrival is not a SimEvent: the queue holds it as (receiving end, frame); see Scheduler.)
/** A dial reaches the target node (`str` = target id; `node` = dialer). */
export const EV_CONNECT_ARRIVE = 2;
/** The accept reaches the dialer: `conn` (the dialer's end) opens. */
export const EV_CONNECT_ACK = 3;
/** A dial failed (`str` = address, `detail` = reason). */
export const EV_DIAL_FAILED = 4;
/** The remote end's close (FIN/RST) reaches `conn` (`str` = reason). */
export const EV_CLOSE_NOTICE = 5;
/** A local close() completes: 'close' fires on `conn` (`str` = reason). */
export const EV_LOCAL_CLOSE = 6;
/** Bandwidth-limited link finished transmitting `num` bytes of `conn`'s queue. */
export const EV_TX_DONE = 7;
/** A network-level callback (SimNetwork.schedule, fault ends): never dropped or deferred. */
export const EV_CALL = 8;

export class SimEvent {
  kind: number;
  /** The node this event happens at (null for network-level calls). */
  node: NodeRecord | null;
  /** The connection end it concerns, if any. */
  conn: SimConnection | null;
  /** The node's incarnation when scheduled: a crash/restart in between makes the event stale. */
  inc: number;
  num: number;
  fn: (() => void) | null;
  str: string;
  /** A second string where one is not enough (a failed dial's reason). */
  detail = '';
  /** The dialing node, for EV_CONNECT_ARRIVE (whose `node` is the target). */
  from: NodeRecord | null = null;
  cancelled = false;

  constructor(
    kind: number,
    node: NodeRecord | null,
    inc: number,
    conn: SimConnection | null,
    fn: (() => void) | null,
    str: string,
    num: number,
  ) {
    this.kind = kind;
    this.node = node;
    this.conn = conn;
    this.inc = inc;
    this.num = num;
    this.fn = fn;
    this.str = str;
  }
}

/** Events that travel over the network: deferred while their node is frozen or clogged (frames too). */
export function isNetworkEvent(kind: number): boolean {
  return kind >= EV_CONNECT_ARRIVE && kind <= EV_CLOSE_NOTICE;
}
