/**
 * The PeerManager unchanged over a real transport: two managers on TcpTransports with default options
 * (which validate every inbound frame) on 127.0.0.1. The transport exchanged hellos already, so the
 * manager runs only the neighbor negotiation on the link — no second hello for the transport to reject.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/core/clock.js';
import { SeededRandom } from '../../src/core/random.js';
import { PeerManager } from '../../src/peers/peer-manager.js';
import { TcpTransport } from '../../src/transport/tcp/tcp-transport.js';
import { until } from '../transport/tcp-helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function managerOnTcp(id: string): { pm: PeerManager; tcp: TcpTransport } {
  const tcp = new TcpTransport({ peerId: id, listen: { host: '127.0.0.1', port: 0 } });
  const pm = new PeerManager({ localId: id, role: 'server', clock: new RealClock(), random: new SeededRandom(id), transport: tcp });
  cleanups.push(() => tcp.close(), () => pm.stop());
  return { pm, tcp };
}

describe('PeerManager over TcpTransport', () => {
  it('connects through the transport handshake and sends no hello of its own', async () => {
    const a = managerOnTcp('pa');
    const b = managerOnTcp('pb');
    await Promise.all([a.tcp.listen(), b.tcp.listen()]);
    a.pm.start();
    b.pm.start();
    a.pm.addKnownPeer({ id: 'pb', role: 'server', addrs: [b.tcp.listenAddress()!] });
    await until(() => a.pm.connectedPeers().includes('pb') && b.pm.connectedPeers().includes('pa'), 10_000, 'neighbours');
    for (const side of [a, b]) {
      const counters = side.pm.stats().counters;
      expect(counters.sentByKind.hello ?? 0).toBe(0);
      expect(counters.rejected).toEqual({});
      expect(side.tcp.stats().wireErrors).toEqual({});
    }
    expect(a.pm.capabilitiesOf('pb')).toEqual([]);
    expect(a.pm.stats().peers.find((p) => p.id === 'pb')?.role).toBe('server');
  });
});
