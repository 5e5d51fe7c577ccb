/**
 * Test helpers for the simulator: a probe protocol that records what a node's transport and connections
 * report (the view a protocol has), and a tiny frame codec.
 */
import type { Connection } from '../../src/core/transport.js';
import type { BootFn, SimNode } from '../../src/transport/sim/index.js';
import type { PeerId } from '../../src/wire/frames.js';

export interface Received {
  from: PeerId;
  text: string;
  at: number;
}

/** What one node incarnation saw. A restart replaces it (memory is lost). */
export class Probe {
  readonly conns: Connection[] = [];
  readonly received: Received[] = [];
  readonly closes: { peer: PeerId; reason: string; at: number }[] = [];
  readonly dialFailures: { address: string; reason: string; at: number }[] = [];
  readonly drains: { peer: PeerId; at: number }[] = [];

  constructor(readonly node: SimNode) {
    const now = () => node.clock.now();
    node.transport.on('connection', (conn) => {
      this.conns.push(conn);
      conn.on('data', (frame) => this.received.push({ from: conn.remotePeerId, text: decode(frame), at: now() }));
      conn.on('close', (reason) => this.closes.push({ peer: conn.remotePeerId, reason, at: now() }));
      conn.on('drain', () => this.drains.push({ peer: conn.remotePeerId, at: now() }));
    });
    node.transport.on('dial-failed', (address, reason) => this.dialFailures.push({ address, reason, at: now() }));
  }

  /** The open connection to `peer` (the most recent one). */
  to(peer: PeerId): Connection {
    const conn = [...this.conns].reverse().find((c) => c.remotePeerId === peer && !c.closed);
    if (!conn) throw new Error(`${this.node.id} has no open connection to ${peer}`);
    return conn;
  }

  texts(from?: PeerId): string[] {
    return this.received.filter((r) => from === undefined || r.from === from).map((r) => r.text);
  }
}

/** A boot function that installs a fresh Probe per incarnation into `probes` (keyed by node id). */
export function probing(probes: Map<PeerId, Probe>, extra?: BootFn): BootFn {
  return (node) => {
    probes.set(node.id, new Probe(node));
    extra?.(node);
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const encode = (text: string): Uint8Array => encoder.encode(text);
export const decode = (frame: Uint8Array): string => decoder.decode(frame);
