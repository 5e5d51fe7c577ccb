/**
 * One Transport over several: a Node peer that listens on TCP and also joins a browser room over
 * WebRTC hands the PeerManager a CompositeTransport. dial() goes to the first provider whose
 * `handles(address)` accepts it; every provider's events are forwarded unchanged.
 */
import { TypedEmitter } from '../core/emitter.js';
import type { Transport, TransportEvents } from '../core/transport.js';
import type { PeerId } from '../wire/frames.js';

export interface RoutedTransport {
  transport: Transport;
  /** Whether this provider dials `address` (e.g. a `tcp://` prefix test). */
  handles(address: string): boolean;
}

export class CompositeTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind: string;
  readonly localPeerId: PeerId;
  private readonly detach: Array<() => void> = [];

  constructor(private readonly routes: readonly RoutedTransport[]) {
    super();
    const first = routes[0];
    if (!first) throw new Error('CompositeTransport needs at least one transport');
    if (routes.some((r) => r.transport.localPeerId !== first.transport.localPeerId)) {
      throw new Error('CompositeTransport: every transport must use the same peer id');
    }
    this.localPeerId = first.transport.localPeerId;
    this.kind = routes.map((r) => r.transport.kind).join('+');
    for (const { transport } of routes) {
      this.detach.push(
        transport.on('connection', (conn) => this.emit('connection', conn)),
        transport.on('dial-failed', (address, reason) => this.emit('dial-failed', address, reason)),
        transport.on('error', (err) => this.emit('error', err)),
      );
    }
  }

  async listen(): Promise<void> {
    await Promise.all(this.routes.map((r) => r.transport.listen()));
  }

  dial(address: string): void {
    const route = this.routes.find((r) => r.handles(address));
    if (route) route.transport.dial(address);
    else this.emit('dial-failed', address, 'no transport for this address');
  }

  async close(): Promise<void> {
    for (const off of this.detach) off();
    await Promise.all(this.routes.map((r) => r.transport.close()));
  }
}
