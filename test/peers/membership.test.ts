/**
 * Membership at scale in the simulator: partial views (no full mesh), learning the room from
 * neighbours, surviving 30% of the nodes failing at once, and healing after a partition.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom, sample } from '../../src/core/random.js';
import { DEFAULT_PEER_CONFIG } from '../../src/peers/index.js';
import { randomRegularishGraph } from '../../src/transport/sim/index.js';
import type { PeerId } from '../../src/wire/frames.js';
import { Cluster } from './harness.js';

function ids(n: number): PeerId[] {
  return Array.from({ length: n }, (_, i) => `m${String(i).padStart(3, '0')}`);
}

/**
 * Each node is told about its neighbours in a sparse random graph (a ring plus chords, average degree
 * `k`) — symmetric, like signaling's joined/peer-joined — and must learn the rest from its neighbours.
 */
function sparseBootstrap(all: PeerId[], k: number, seed: string): (id: PeerId) => PeerId[] {
  const graph = randomRegularishGraph(all.length, k, new SeededRandom(seed));
  const index = new Map(all.map((id, i) => [id, i]));
  return (id) => (graph[index.get(id) as number] ?? []).map((j) => all[j] as PeerId);
}

describe('determinism', () => {
  it('the same seed gives the same run (trace hash), another seed a different one', () => {
    const run = (seed: number): string => {
      const all = ids(30);
      const c = new Cluster(all, { bootstrap: sparseBootstrap(all, 3, 'det'), config: { activeViewTarget: 4 }, net: { seed, loss: 0.02 } });
      c.net.runFor(20_000);
      c.net.crash('m003');
      c.net.runFor(20_000);
      return c.net.traceHash();
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });
});

describe('partial views', () => {
  it('500 nodes: every active view ≤ maxPooledConnections, the overlay is connected, rooms are learned', () => {
    const all = ids(500);
    // A HyParView-sized target (8) keeps the run short; the cap checked is the default pool (20).
    const c = new Cluster(all, { bootstrap: sparseBootstrap(all, 3, 'boot-500'), config: { activeViewTarget: 8 } });
    c.net.runFor(30_000);
    let known = 0;
    for (const id of all) {
      const st = c.pm(id).stats();
      expect(st.active).toBeLessThanOrEqual(DEFAULT_PEER_CONFIG.maxPooledConnections);
      expect(st.active).toBeGreaterThan(0);
      expect(st.passive).toBeLessThanOrEqual(DEFAULT_PEER_CONFIG.maxPassivePeers);
      known += st.active + st.passive;
    }
    expect(c.overlayConnected(all)).toBe(true);
    // Told about 3 peers each, nodes learned many more from peers frames.
    expect(known / all.length).toBeGreaterThan(30);
    // Far from a full mesh (499 connections per node).
    const edges = all.reduce((sum, id) => sum + c.pm(id).connectedPeers().length, 0) / 2;
    expect(edges).toBeLessThan(500 * 20);
  });

  it('the overlay stays connected when 30% of the nodes fail at once', () => {
    const all = ids(150);
    const c = new Cluster(all, {
      bootstrap: sparseBootstrap(all, 4, 'boot-150'),
      config: { activeViewTarget: 5, maxPooledConnections: 12 },
    });
    c.net.runFor(60_000);
    expect(c.overlayConnected(all)).toBe(true);
    const victims = new Set(sample(all, 45, new SeededRandom('victims')));
    for (const v of victims) {
      c.net.crash(v);
      c.pms.delete(v);
    }
    const live = all.filter((id) => !victims.has(id));
    c.net.runFor(60_000);
    expect(c.overlayConnected(live)).toBe(true);
    for (const id of live) {
      const view = c.pm(id).connectedPeers();
      expect(view.some((n) => victims.has(n))).toBe(false);
      expect(view.length).toBeGreaterThan(0);
      // Lost neighbours were replaced from the passive view, up to the target where the dial rule allows.
      expect(view.length).toBeLessThanOrEqual(12);
    }
    const downs = c.log.filter((e) => e.event === 'peer:down' && victims.has(e.peer)).length;
    expect(downs).toBeGreaterThan(0);
    expect(c.log.filter((e) => e.event === 'peer:down' && !victims.has(e.peer))).toEqual([]);
  });

  it('a partition of a 40-node overlay heals: every connection lost across it comes back', () => {
    const all = ids(40);
    const c = new Cluster(all, { bootstrap: sparseBootstrap(all, 4, 'boot-40'), config: { activeViewTarget: 6 } });
    c.net.runFor(30_000);
    const before = new Map(all.map((id) => [id, new Set(c.pm(id).connectedPeers())]));
    const left = all.slice(0, 20);
    const right = all.slice(20);
    c.net.partition(left, right);
    c.net.runFor(180_000);
    for (const a of left) for (const b of c.pm(a).connectedPeers()) expect(right.includes(b)).toBe(false);
    c.net.heal();
    c.net.runFor(600_000);
    expect(c.overlayConnected(all)).toBe(true);
    // Every pair connected across the cut is connected again — unless its dialer's pool filled up with
    // replacements during the partition (then the dialer keeps its pool and the pair stays apart).
    let crossPairs = 0;
    let restored = 0;
    for (const a of left) {
      for (const b of before.get(a) ?? []) {
        if (!right.includes(b)) continue;
        crossPairs++;
        if (c.pm(a).connectedPeers().includes(b)) restored++;
        else expect(c.pm(a < b ? a : b).connectedPeers().length).toBe(DEFAULT_PEER_CONFIG.maxPooledConnections);
      }
    }
    expect(crossPairs).toBeGreaterThan(0);
    expect(restored).toBeGreaterThan(crossPairs / 2);
  });
});
