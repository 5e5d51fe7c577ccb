import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import type { PeerId } from '../../src/wire/frames.js';
import { GossipSim } from './gossip-sim-harness.js';

const payload = (i: number): Uint8Array => new Uint8Array(256).fill(i & 0xff);

describe('GossipProtocol in the simulator', () => {
  it('N=200, 2% loss, 10% of nodes crashed mid-run: every live node delivers every message exactly once', () => {
    const sim = new GossipSim({ nodes: 200, degree: 8, seed: 42, net: { loss: 0.02 } });
    sim.net.runFor(2_000); // connections up
    const random = new SeededRandom('workload:42');
    const keys: string[] = [];
    const origins = new Map<string, PeerId>();
    for (let i = 0; i < 40; i++) {
      if (i === 20) {
        const victims = new Set<PeerId>();
        while (victims.size < 20) victims.add(sim.ids[random.int(sim.ids.length)]!);
        for (const v of victims) sim.net.crash(v);
      }
      const live = sim.liveIds();
      const origin = live[random.int(live.length)]!;
      const key = sim.broadcast(origin, payload(i));
      keys.push(key);
      origins.set(key, origin);
      sim.net.runFor(150);
    }
    sim.net.runFor(10_000); // anti-entropy and repair settle
    const live = sim.liveIds();
    expect(live).toHaveLength(180);
    const byNode = sim.deliveredBy();
    for (const node of live) {
      const got = byNode.get(node) ?? [];
      const expected = keys.filter((k) => origins.get(k) !== node).sort();
      expect(got.slice().sort(), node).toEqual(expected);
    }
    // The faults really cost something: repairs happened.
    const repairs = live.reduce((n, id) => n + sim.gossip(id).getStats().served, 0);
    expect(repairs).toBeGreaterThan(0);
  });

  it('N=100: an immediate message reaches every neighbour of its origin within 100 ms', () => {
    const sim = new GossipSim({ nodes: 100, degree: 6, seed: 7, gossip: { floodHops: 0 } });
    sim.net.runFor(2_000);
    // No flood phase, and a warmed-up tree with most links lazy: immediacy must not depend on either.
    for (let i = 0; i < 5; i++) {
      sim.broadcast(sim.ids[i * 17]!, payload(i));
      sim.net.runFor(500);
    }
    // Origins with lazy links, so that the tree alone would not reach every neighbour at once.
    const withLazy = sim.ids.map((id, i) => [id, i] as const).filter(([id]) => sim.gossip(id).getStats().lazyPeerCount >= 3);
    expect(withLazy.length).toBeGreaterThan(3);
    for (const [origin, originIndex] of withLazy.slice(0, 4)) {
      const key = sim.broadcast(origin, payload(originIndex), 'immediate');
      sim.net.runFor(1_000);
      const at = sim.sentAt.get(key)!;
      const neighbours = sim.adjacency[originIndex]!.map((j) => sim.ids[j]!);
      for (const n of neighbours) {
        const d = sim.deliveries.find((x) => x.node === n && x.key === key);
        expect(d, n).toBeDefined();
        expect(d!.at - at).toBeLessThan(100);
      }
    }
  });

  it('is deterministic: the same seed gives the same delivery trace', () => {
    const run = (seed: number): string => {
      const sim = new GossipSim({ nodes: 60, degree: 6, seed, net: { loss: 0.02 } });
      sim.net.runFor(1_500);
      const random = new SeededRandom(`w:${seed}`);
      for (let i = 0; i < 15; i++) {
        sim.broadcast(sim.ids[random.int(60)]!, payload(i));
        sim.net.runFor(200);
      }
      sim.net.runFor(4_000);
      return JSON.stringify([sim.deliveries, sim.net.traceHash()]);
    };
    const a = run(5);
    expect(run(5)).toBe(a);
    expect(run(6)).not.toBe(a);
  });
});
