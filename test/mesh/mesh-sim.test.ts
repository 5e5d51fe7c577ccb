/**
 * The whole node — PeerManager + MessageRelay + SeenStore, exactly as createMeshNode wires them — on the
 * deterministic simulator: nodes learn the room from a few bootstrap ids, form a partial-view overlay,
 * and deliver every broadcast exactly once, through crashes and a restart that keeps the node's
 * persistent store (its seen ids).
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom, sample } from '../../src/core/random.js';
import { MemorySeenStore } from '../../src/dedup/memory.js';
import { MeshNode } from '../../src/mesh/mesh-node.js';
import type { SeenStore } from '../../src/relay/types.js';
import { SimNetwork } from '../../src/transport/sim/network.js';
import type { SimNode } from '../../src/transport/sim/types.js';
import type { RelayMode } from '../../src/wire/frames.js';

/** A seen store kept in the sim node's persistent store, so it survives restart() like IndexedDB would. */
class PersistedSeen implements SeenStore {
  private readonly mem: MemorySeenStore;
  constructor(private readonly node: SimNode) {
    this.mem = new MemorySeenStore({ ttlMs: 60_000 });
    const saved = node.store.get('seen') as Array<[string, number]> | undefined;
    for (const [k, t] of saved ?? []) this.mem.add(k, t);
  }
  has(key: string): boolean {
    return this.mem.has(key);
  }
  add(key: string, now: number): boolean {
    const added = this.mem.add(key, now);
    this.node.store.set('seen', this.mem.snapshot());
    return added;
  }
  prune(now: number): number {
    return this.mem.prune(now);
  }
  get size(): number {
    return this.mem.size;
  }
}

interface World {
  net: SimNetwork;
  meshes: Map<string, MeshNode>;
  delivered: Map<string, string[]>;
  ids: string[];
}

function world(n: number, seed: number, mode: RelayMode): World {
  const net = new SimNetwork({ seed, latencyMs: 20, jitterMs: 5, loss: 0.01 });
  const meshes = new Map<string, MeshNode>();
  const delivered = new Map<string, string[]>();
  const ids = Array.from({ length: n }, (_, i) => `n${String(i).padStart(3, '0')}`);
  const pick = new SeededRandom(seed);
  const bootstrap = new Map(ids.map((id) => [id, sample(ids.filter((x) => x !== id), 3, pick)]));
  for (const id of ids) {
    net.addNode(id, (sim) => {
      const mesh = new MeshNode({
        localId: id,
        role: 'server',
        transport: sim.transport,
        clock: sim.clock,
        random: sim.random,
        buggify: sim.buggify,
        seen: new PersistedSeen(sim),
        mode,
        peerConfig: { activeViewTarget: 5, maxPooledConnections: 8, pingIntervalMs: 1_000, pongTimeoutMs: 500 },
      });
      mesh.on('message', (m) => delivered.get(id)?.push(m.text()));
      meshes.set(id, mesh);
      if (!delivered.has(id)) delivered.set(id, []);
      mesh.start();
      for (const b of bootstrap.get(id) ?? []) mesh.addKnownPeer({ id: b, role: 'server' });
    });
  }
  return { net, meshes, delivered, ids };
}

function exactlyOnce(w: World, live: string[], texts: string[], origins: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const id of live) {
    const got = w.delivered.get(id) ?? [];
    for (const t of texts) {
      const count = got.filter((x) => x === t).length;
      const expected = origins.get(t) === id ? 0 : 1;
      if (count !== expected) problems.push(`${id} delivered ${t} ${count}×`);
    }
  }
  return problems;
}

describe('MeshNode on the simulator (full stack)', () => {
  it.each<RelayMode>(['gossip', 'hybrid'])('60 nodes from 3 bootstrap ids each: every live node delivers every message once (%s), through crashes', (mode) => {
    const w = world(60, 7, mode);
    w.net.runFor(20_000);
    // A partial view, not a full mesh.
    const maxActive = Math.max(...[...w.meshes.values()].map((m) => m.peerManager.connectedPeers().length));
    expect(maxActive).toBeLessThanOrEqual(8);

    const rnd = new SeededRandom(99);
    const texts: string[] = [];
    const origins = new Map<string, string>();
    const send = (count: number, live: string[]): void => {
      for (let i = 0; i < count; i++) {
        const origin = live[rnd.int(live.length)] as string;
        const text = `m${texts.length}`;
        texts.push(text);
        origins.set(text, origin);
        w.meshes.get(origin)?.broadcast(text, { priority: i % 3 === 0 ? 'immediate' : 'normal' });
        w.net.runFor(100);
      }
    };
    send(20, w.ids);
    w.net.runFor(10_000);
    expect(exactlyOnce(w, w.ids, texts, origins)).toEqual([]);

    // Crash 10% and keep broadcasting: the overlay repairs and the live nodes still get everything once.
    const crashed = w.ids.filter((_, i) => i % 10 === 3);
    for (const id of crashed) w.net.crash(id);
    const live = w.ids.filter((id) => !crashed.includes(id));
    send(20, live);
    w.net.runFor(30_000);
    expect(exactlyOnce(w, live, texts.slice(20), origins)).toEqual([]);
  });

  it('a restarted node keeps its seen ids and does not deliver old messages again', () => {
    const w = world(20, 11, 'gossip');
    w.net.runFor(15_000);
    w.meshes.get('n000')?.broadcast('before restart');
    w.net.runFor(5_000);
    expect(w.delivered.get('n005')).toEqual(['before restart']);
    w.net.restart('n005');
    // Neighbours' anti-entropy offers the cached message to the restarted node: it must not deliver it again.
    w.net.runFor(30_000);
    w.meshes.get('n001')?.broadcast('after restart');
    w.net.runFor(10_000);
    expect(w.delivered.get('n005')).toEqual(['before restart', 'after restart']);
  });

  it('is deterministic: the same seed gives the same trace', () => {
    const run = (): string => {
      const w = world(15, 5, 'gossip');
      w.net.runFor(5_000);
      w.meshes.get('n000')?.broadcast('x');
      w.net.runFor(5_000);
      return w.net.traceHash();
    };
    expect(run()).toBe(run());
  });
});
