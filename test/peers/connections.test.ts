/**
 * Connection lifecycle in the simulator: the dial rule and dial races, liveness (frozen peers, no EOF),
 * the reconnection backoff and its per-role limits, and consensus under partitions (down vs unreachable),
 * then healing.
 */
import { describe, expect, it } from 'vitest';
import { backoffStep, presets, resolvePeerConfig } from '../../src/peers/index.js';
import { Cluster } from './harness.js';

const RTT = 60;

describe('deterministic initiator', () => {
  it('only the smaller id dials, in a full mesh of 6', () => {
    const ids = ['f', 'b', 'e', 'a', 'd', 'c'];
    const c = new Cluster(ids);
    c.net.runFor(3_000);
    expect(c.fullMesh(ids)).toBe(true);
    for (const d of c.dials) expect(d.node < d.target).toBe(true);
    expect(c.dials).toHaveLength(15); // one dial per pair
    for (const id of ids) {
      for (const p of c.pm(id).stats().peers) expect(p.outbound).toBe(id < p.id);
    }
  });

  it('a node that knows only smaller ids that do not know it dials against the rule after isolationDialDelayMs', () => {
    // 'z' learnt 'a' and 'b'; they never learnt 'z'. Only the larger id would wait forever.
    const c = new Cluster(['a', 'b', 'z'], {
      bootstrap: (id) => (id === 'z' ? ['a', 'b'] : id === 'a' ? ['b'] : ['a']),
      config: { isolationDialDelayMs: 4_000, gossipIntervalMs: 1_000 },
    });
    c.net.runFor(3_500);
    expect(c.pm('z').connectedPeers()).toEqual([]);
    expect(c.dials.filter((d) => d.node === 'z')).toEqual([]);
    c.net.runFor(3_000);
    expect(c.pm('z').connectedPeers().length).toBeGreaterThanOrEqual(1);
    const zDials = c.dials.filter((d) => d.node === 'z');
    expect(zDials.length).toBeGreaterThanOrEqual(1);
    expect(zDials[0]!.at - c.t0).toBeGreaterThanOrEqual(4_000);
  });

  it('a simultaneous dial race ends with exactly one connection, the one the rule picks', () => {
    const c = new Cluster(['a', 'b'], { start: false });
    c.pm('a').start();
    c.pm('b').start();
    c.net.connect('b', 'a'); // b dials too (misconfiguration / restart race), at the same instant as a
    c.net.runFor(2_000);
    for (const [me, other] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      expect(c.pm(me).connectedPeers()).toEqual([other]);
      expect(c.pm(me).stats().counters.duplicateConnections).toBe(1);
      expect(c.pm(me).stats().peers[0]?.outbound).toBe(me === 'a');
    }
    expect(c.net.stats().connectionsOpened).toBe(2);
    expect(c.log.filter((e) => e.event === 'peer:suspect')).toEqual([]);
    // The survivor works.
    const got: string[] = [];
    c.pm('b').on('frame', (from) => got.push(from));
    c.pm('a').send('b', { kind: 'prune' });
    c.net.runFor(RTT);
    expect(got).toEqual(['a']);
  });

  it('a restarted peer that dials against the rule still ends with one connection', () => {
    const c = new Cluster(['a', 'b']);
    c.net.runFor(1_000);
    c.net.restart('b');
    c.net.connect('b', 'a'); // the new incarnation dials a directly
    c.net.runUntil(() => c.pm('a').connectedPeers().includes('b') && c.pm('b').connectedPeers().includes('a'), 30_000);
    c.net.runFor(1_000);
    expect(c.pm('a').connectedPeers()).toEqual(['b']);
    expect(c.pm('b').connectedPeers()).toEqual(['a']);
  });
});

describe('liveness', () => {
  it('a frozen peer (no EOF) is detected by missed pongs within pingInterval + maxMissedPongs × pongTimeout', () => {
    const cfg = resolvePeerConfig(presets.fastDetection);
    const c = new Cluster(['a', 'b', 'c'], { config: presets.fastDetection });
    c.net.runFor(5_000);
    expect(c.fullMesh(['a', 'b', 'c'])).toBe(true);
    const t0 = c.now;
    c.net.freeze('b', 60_000);
    c.net.runFor(10_000);
    const bound = cfg.pingIntervalMs + cfg.pongTimeoutMs + cfg.maxMissedPongs * cfg.pongTimeoutMs + RTT;
    for (const n of ['a', 'c']) {
      const suspect = c.events(n, 'peer:suspect', 'b');
      expect(suspect).toHaveLength(1);
      expect(suspect[0]!.at - t0).toBeGreaterThanOrEqual(cfg.maxMissedPongs * cfg.pongTimeoutMs);
      expect(suspect[0]!.at - t0).toBeLessThanOrEqual(bound);
      const down = c.events(n, 'peer:down', 'b');
      expect(down).toHaveLength(1);
      expect(down[0]!.at - t0).toBeLessThanOrEqual(bound + cfg.consensusDelayMs + cfg.consensusTimeoutMs);
      expect(c.pm(n).stats().counters.livenessTimeouts).toBe(1);
    }
    // Thawed, it is taken back (a dials it on the backoff timetable; c waits for b to dial).
    c.net.runUntil(() => c.fullMesh(['a', 'b', 'c']), 120_000);
    expect(c.fullMesh(['a', 'b', 'c'])).toBe(true);
    expect(c.events('a', 'peer:recovered', 'b')).toHaveLength(1);
  });

  it('a healthy link under 5% loss stays up for an hour with fastDetection', () => {
    const c = new Cluster(['a', 'b', 'c', 'd'], { config: presets.fastDetection, net: { loss: 0.05, seed: 7 } });
    c.net.runFor(3_600_000);
    expect(c.log.filter((e) => e.event === 'peer:down' || e.event === 'peer:failed')).toEqual([]);
    expect(c.fullMesh(['a', 'b', 'c', 'd'])).toBe(true);
  });
});

describe('reconnection backoff', () => {
  function redialGaps(role: 'browser' | 'server'): { gaps: number[]; gaveUp: number; dials: number } {
    const c = new Cluster(['a', 'z'], { role: (id) => (id === 'z' ? role : 'server') });
    c.net.runFor(2_000);
    const t0 = c.now;
    c.net.crash('z');
    c.net.runFor(8 * 3_600_000);
    const times = [t0, ...c.dialTimes('a', 'z').filter((t) => t > t0)];
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    return { gaps, gaveUp: c.events('a', 'peer:gave-up', 'z').length, dials: times.length - 1 };
  }

  it('5 s → 10 → 20 … capped at 300 s, jitter ≤ 10%, and a browser peer gets 10 attempts', () => {
    const cfg = resolvePeerConfig();
    const { gaps, gaveUp, dials } = redialGaps('browser');
    expect(dials).toBe(10);
    expect(gaveUp).toBe(1);
    gaps.forEach((gap, i) => {
      const step = backoffStep(i, cfg);
      expect(step).toBe(Math.min(300_000, 5_000 * 2 ** i));
      // Measured from the previous dial: the failure arrives one round trip later.
      expect(gap).toBeGreaterThanOrEqual(step * 0.9);
      expect(gap).toBeLessThanOrEqual(step + RTT);
    });
    expect(new Set(gaps.map((g) => Math.round(g))).size).toBe(gaps.length); // jittered, not lockstep
  });

  it('a server peer gets 20 attempts; the limits are configurable', () => {
    expect(redialGaps('server').dials).toBe(20);
    const c = new Cluster(['a', 'z'], { config: { maxAttempts: { server: 3 } } });
    c.net.runFor(2_000);
    c.net.crash('z');
    c.net.runFor(3_600_000);
    expect(c.dialTimes('a', 'z').length).toBe(1 + 3);
  });

  it('resets to 5 s after a success', () => {
    const c = new Cluster(['a', 'z']);
    c.net.runFor(2_000);
    c.net.crash('z');
    c.net.runFor(40_000); // attempts at ~5 s, ~15 s, ~35 s
    c.net.restart('z');
    c.net.runUntil(() => c.pm('a').connectedPeers().includes('z'), 120_000);
    expect(c.pm('a').stats().peers.find((p) => p.id === 'z')?.failures).toBe(0);
    const t1 = c.now;
    c.net.crash('z');
    c.net.runFor(6_000);
    const next = c.dialTimes('a', 'z').filter((t) => t > t1);
    expect(next).toHaveLength(1);
    expect(next[0]! - t1).toBeLessThanOrEqual(5_000 + RTT);
  });
});

describe('consensus under partitions', () => {
  const ids = ['p1', 'p2', 'p3', 'p4'];
  const config = presets.fastDetection;

  it('a peer only we cannot reach is unreachable, not down', () => {
    const c = new Cluster(ids, { config });
    c.net.runFor(5_000);
    c.net.setLink('p1', 'p3', { loss: 1 });
    c.net.setLink('p3', 'p1', { loss: 1 });
    c.net.runFor(10_000);
    expect(c.events('p1', 'peer:unreachable', 'p3')).toHaveLength(1);
    expect(c.events('p3', 'peer:unreachable', 'p1')).toHaveLength(1);
    expect(c.log.filter((e) => e.event === 'peer:down')).toEqual([]);
    expect(c.pm('p1').peerState('p3')).toBe('unreachable');
    expect(c.pm('p2').peerState('p3')).toBe('connected');
  });

  it('across a partition a majority cannot reach the other side: down; after heal every pair reconnects', () => {
    const c = new Cluster(ids, { config });
    c.net.runFor(5_000);
    c.net.partition(['p1', 'p2'], ['p3', 'p4']);
    c.net.runFor(30_000);
    for (const [a, b] of [
      ['p1', 'p3'],
      ['p1', 'p4'],
      ['p2', 'p3'],
      ['p4', 'p1'],
    ] as const) {
      expect(c.events(a, 'peer:down', b)).toHaveLength(1);
    }
    expect(c.log.filter((e) => e.event === 'peer:unreachable')).toEqual([]);
    expect(c.fullMesh(['p1', 'p2']) && c.fullMesh(['p3', 'p4'])).toBe(true);
    c.net.heal();
    const healed = c.net.runUntil(() => c.fullMesh(ids), 120_000);
    expect(healed).toBe(true);
    expect(c.events('p1', 'peer:recovered', 'p3')).toHaveLength(1);
  });
});

describe('stop', () => {
  it('says bye shutdown to every neighbour, who suspect it at once; the stopped node dials nobody', () => {
    const c = new Cluster(['a', 'b', 'c']);
    c.net.runFor(2_000);
    const dialsBefore = c.dialTimes('b', 'c').length;
    c.pm('b').stop();
    c.net.runFor(60_000);
    expect(c.pm('b').connectedPeers()).toEqual([]);
    expect(c.dialTimes('b', 'c').length).toBe(dialsBefore);
    for (const n of ['a', 'c']) {
      expect(c.events(n, 'peer:suspect', 'b')).toHaveLength(1);
      expect(c.pm(n).stats().counters.byesReceived[String(1)]).toBe(1);
    }
    expect(c.fullMesh(['a', 'c'])).toBe(true);
  });
});
