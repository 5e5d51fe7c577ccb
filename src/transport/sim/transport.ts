/**
 * A node incarnation's Transport. Addresses are peer ids; every node always accepts (listen() is a
 * no-op) until its transport is closed or the node crashes.
 */
import { TypedEmitter } from '../../core/emitter.js';
import type { Transport, TransportEvents } from '../../core/transport.js';
import type { PeerId } from '../../wire/frames.js';
import type { SimConnection } from './connection.js';
import type { SimKernel } from './kernel.js';
import type { NodeRecord } from './node.js';

export class SimTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'sim';
  /** Set by close(): inbound dials are refused and dial() fails. */
  closed = false;

  constructor(
    private readonly kernel: SimKernel,
    private readonly node: NodeRecord,
    readonly inc: number,
  ) {
    super();
  }

  get localPeerId(): PeerId {
    return this.node.id;
  }

  listen(): Promise<void> {
    return Promise.resolve();
  }

  dial(address: string): void {
    this.kernel.dial(this.node, this.inc, address);
  }

  close(): Promise<void> {
    this.kernel.closeTransport(this.node, this.inc);
    return Promise.resolve();
  }

  deliverConnection(conn: SimConnection): void {
    this.emit('connection', conn);
  }

  deliverDialFailed(address: string, reason: string): void {
    this.emit('dial-failed', address, reason);
  }
}
