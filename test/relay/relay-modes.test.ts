/**
 * MessageRelay, one node at a time (a recording env: sends are captured, not delivered) and in small
 * simulated meshes: what each mode forwards, and that every node delivers every message once.
 */
import { describe, expect, it } from 'vitest';
import { MemorySeenStore } from '../../src/dedup/memory.js';
import { MessageRelay } from '../../src/relay/message-relay.js';
import type { DeliveredMessage } from '../../src/relay/types.js';
import { RELAY_MODES } from '../../src/wire/frames.js';
import type { MsgFrame, RelayMode } from '../../src/wire/frames.js';
import { RelayMesh } from '../helpers/relay-harness.js';
import { msgFrame, recordingEnv } from '../helpers/recording-env.js';

const PEERS = ['a', 'b', 'c', 'd'];

function single(mode: RelayMode) {
  const env = recordingEnv('me');
  const relay = new MessageRelay({ env, mode });
  for (const p of PEERS) relay.addPeer(p);
  const delivered: DeliveredMessage[] = [];
  relay.onMessage((m) => delivered.push(m));
  relay.start();
  env.take();
  return { env, relay, delivered };
}

/** Msg frames sent, as [to, route]. */
const msgsSent = (sent: ReturnType<ReturnType<typeof recordingEnv>['take']>) =>
  sent.filter((s) => s.frame.kind === 'msg').map((s) => [s.to, (s.frame as MsgFrame).route] as const);

describe('MessageRelay routing per mode (single node)', () => {
  it('flood: a new message goes to every peer but the sender, whatever route it came by', () => {
    const { env, relay, delivered } = single('flood');
    relay.receiveFrame('a', msgFrame(1, { route: 'push' }));
    expect(delivered).toHaveLength(1);
    expect(msgsSent(env.take()).sort()).toEqual([
      ['b', 'flood'],
      ['c', 'flood'],
      ['d', 'flood'],
    ]);
  });

  it('gossip: a new message is forwarded by the gossip only, even if it arrived flooded', () => {
    const { env, relay, delivered } = single('gossip');
    relay.receiveFrame('a', msgFrame(1, { route: 'push' }));
    expect(delivered).toHaveLength(1);
    expect(msgsSent(env.take()).length).toBeGreaterThan(0);
    // A flooded copy in flight from a peer still in flood mode: delivered once, forwarded by the gossip's
    // rules (its tree), never by the FloodRouter.
    relay.receiveFrame('b', msgFrame(2, { route: 'flood' }));
    expect(delivered).toHaveLength(2);
    expect(msgsSent(env.take()).length).toBeGreaterThan(0);
    const stats = relay.getStats();
    expect(stats.flood.framesOut).toBe(0);
    expect(stats.gossip.msgsOut).toBe(stats.perMode.gossip.msgsOut);
  });

  it('hybrid: both the flood and the gossip forward a new message', () => {
    const { env, relay } = single('hybrid');
    relay.receiveFrame('a', msgFrame(1, { route: 'push' }));
    const sent = msgsSent(env.take());
    expect(sent.filter(([, r]) => r === 'flood').map(([to]) => to).sort()).toEqual(['b', 'c', 'd']);
    expect(sent.filter(([, r]) => r === 'push').length).toBeGreaterThan(0);
  });

  it('gossip-primary: floods critical messages only', () => {
    const { env, relay } = single('gossip-primary');
    relay.receiveFrame('a', msgFrame(1, { route: 'push', priority: 'normal' }));
    expect(msgsSent(env.take()).some(([, r]) => r === 'flood')).toBe(false);
    relay.receiveFrame('a', msgFrame(2, { route: 'push', priority: 'critical' }));
    expect(msgsSent(env.take()).filter(([, r]) => r === 'flood').map(([to]) => to).sort()).toEqual(['b', 'c', 'd']);
  });

  it('broadcast in each mode: flood modes flood it, gossip modes push it; never delivered locally', () => {
    for (const mode of RELAY_MODES) {
      const { env, relay, delivered } = single(mode);
      relay.broadcast(new Uint8Array([1, 2, 3]), { priority: 'critical' });
      relay.broadcast(new Uint8Array([4]));
      const sent = msgsSent(env.take());
      const flooded = sent.filter(([, r]) => r === 'flood').length;
      const expected = { flood: 8, hybrid: 8, 'gossip-primary': 4, gossip: 0 }[mode];
      // gossip's own direct copies of critical messages go to lazy peers only, and a fresh node has none.
      expect(flooded).toBe(expected);
      if (mode !== 'flood') expect(sent.some(([, r]) => r === 'push')).toBe(true);
      expect(delivered).toHaveLength(0);
      expect(relay.getStats().perMode[mode].broadcasts).toBe(2);
    }
  });

  it('charges counters to the mode the node was in', () => {
    const { relay } = single('flood');
    relay.receiveFrame('a', msgFrame(1));
    relay.receiveFrame('b', msgFrame(1));
    relay.setMode('gossip');
    relay.receiveFrame('a', msgFrame(2, { route: 'push' }));
    const { perMode } = relay.getStats();
    expect(perMode.flood).toMatchObject({ delivered: 1, msgsIn: 2, duplicates: 1, msgsOut: 3 });
    expect(perMode.gossip).toMatchObject({ delivered: 1, msgsIn: 1, duplicates: 0 });
    expect(perMode.gossip.msgsOut).toBeGreaterThan(0);
    expect(perMode.hybrid.delivered + perMode['gossip-primary'].delivered).toBe(0);
  });
});

describe('MessageRelay bad input', () => {
  it('the same message replayed by many peers: delivered once, counted, no growth', () => {
    for (const mode of RELAY_MODES) {
      const { relay, delivered } = single(mode);
      const routes = ['flood', 'push', 'pull'] as const;
      for (let i = 0; i < 600; i++) relay.receiveFrame(PEERS[i % 4] as string, msgFrame(9, { route: routes[i % 3] }));
      expect(delivered).toHaveLength(1);
      const stats = relay.getStats();
      expect(stats.perMode[mode].duplicates).toBe(599);
      expect(stats.seenSize).toBe(1);
    }
  });

  it('a hop count past the limit is dropped and counted, in every mode', () => {
    for (const mode of RELAY_MODES) {
      const env = recordingEnv('me');
      const relay = new MessageRelay({ env, mode, floodHopLimit: 8, gossip: { hopLimit: 8 } });
      for (const p of PEERS) relay.addPeer(p);
      const delivered: DeliveredMessage[] = [];
      relay.onMessage((m) => delivered.push(m));
      relay.receiveFrame('a', msgFrame(1, { hops: 9, route: 'flood' }));
      relay.receiveFrame('a', msgFrame(2, { hops: 9, route: 'push' }));
      expect(delivered).toHaveLength(0);
      const { flood, gossip } = relay.getStats();
      expect(flood.hopLimitDropped + gossip.hopLimitDropped).toBe(2);
      expect(env.take().filter((s) => s.frame.kind === 'msg')).toHaveLength(0);
    }
  });

  it('a msg frame with a malformed id is dropped and counted', () => {
    const { relay, delivered } = single('hybrid');
    relay.receiveFrame('a', { ...msgFrame(1), id: new Uint8Array(5) });
    expect(delivered).toHaveLength(0);
    expect(relay.getStats().invalidFrames).toBe(1);
  });

  it('uses one seen store for both paths (an injected one is shared, not copied)', () => {
    const seen = new MemorySeenStore();
    const relay = new MessageRelay({ env: recordingEnv('me'), mode: 'hybrid', seen });
    relay.addPeer('a');
    relay.receiveFrame('a', msgFrame(1, { route: 'flood' }));
    relay.receiveFrame('a', msgFrame(2, { route: 'push' }));
    expect(seen.size).toBe(2);
    expect(relay.seen).toBe(seen);
  });
});

describe('MessageRelay in a small simulated mesh', () => {
  for (const mode of RELAY_MODES) {
    it(`${mode}: every node delivers every message exactly once`, () => {
      const mesh = new RelayMesh({ nodes: 30, degree: 4, seed: 11, mode });
      for (let i = 0; i < 12; i++) {
        mesh.broadcast(mesh.ids[(i * 7) % 30] as string, new Uint8Array(64).fill(i), i % 4 === 0 ? 'critical' : 'normal');
        mesh.runFor(100);
      }
      mesh.runFor(10_000);
      expect(mesh.published.size).toBe(12);
      expect(mesh.notExactlyOnce()).toEqual([]);
      const totals = mesh.ids.map((id) => mesh.relay(id).getStats());
      const floodOut = totals.reduce((n, s) => n + s.flood.framesOut, 0);
      const gossipMsgsOut = totals.reduce((n, s) => n + s.gossip.msgsOut, 0);
      const gossipControl = totals.reduce((n, s) => n + s.gossip.controlBytesOut, 0);
      if (mode === 'flood') {
        expect(gossipMsgsOut + gossipControl).toBe(0); // flood alone: the gossip sends nothing
      } else {
        expect(gossipMsgsOut).toBeGreaterThan(0);
      }
      if (mode === 'gossip') expect(floodOut).toBe(0);
      else expect(floodOut).toBeGreaterThan(0);
    });
  }

  it('a network that duplicates and reorders frames: still exactly once, in every mode', () => {
    for (const mode of RELAY_MODES) {
      const mesh = new RelayMesh({ nodes: 20, degree: 4, seed: 12, mode, link: { duplicate: 0.1, reorder: 0.2 } });
      for (let i = 0; i < 8; i++) {
        mesh.broadcast(mesh.ids[(i * 3) % 20] as string, new Uint8Array(16));
        mesh.runFor(100);
      }
      mesh.runFor(10_000);
      expect(mesh.net.stats().duplicates).toBeGreaterThan(0);
      expect(mesh.notExactlyOnce()).toEqual([]);
    }
  });
});
