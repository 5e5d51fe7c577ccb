/**
 * The four scenarios of the kameo_remote timing document, reproduced in the simulator with the default
 * config (gossip interval 5 s, 3 failures, retry 5 s, dead after 15 min, consensus after 100 ms), each
 * asserting its timeline in virtual time. Ids are chosen so that B dials A (B's id sorts first).
 */
import { describe, expect, it } from 'vitest';
import { Cluster } from './harness.js';

const A = 'peer-2';
const B = 'peer-1';
const C = 'peer-0';
/** One-way latency is 20–25 ms in the simulator: a round trip stays under this. */
const RTT = 60;

describe('kameo scenario 1: node A is down, node B is starting', () => {
  it('attempts at T+0, T+5 s, T+10 s, failed at T+10 s, retries every 5 s, dead at T+15 min with the address kept', () => {
    const c = new Cluster([B, A], { start: false });
    c.holdDown(A);
    const t0 = c.now;
    c.pm(B).start();
    c.net.runFor(10_000 + RTT);
    const failed = c.events(B, 'peer:failed', A);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.at - t0).toBeGreaterThanOrEqual(10_000);
    expect(failed[0]!.at - t0).toBeLessThan(10_000 + RTT);
    expect(c.pm(B).stats().peers.find((p) => p.id === A)).toMatchObject({ state: 'failed', failures: 3, schedule: 'discovery' });

    c.net.runFor(30_000 - 10_000 - RTT);
    const dials = c.dialTimes(B, A).map((t) => t - t0);
    expect(dials.slice(0, 6)).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000]);

    c.net.runFor(900_000 - 30_000 - 1);
    expect(c.events(B, 'peer:dead', A)).toHaveLength(0);
    c.net.runFor(2);
    const dead = c.events(B, 'peer:dead', A);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.at - t0).toBeCloseTo(900_000, 0);
    // Its records are gone but the peer and its address stay, and it is still retried every 5 s.
    expect(c.pm(B).peerState(A)).toBe('dead');
    expect(c.pm(B).knownPeers().find((r) => r.id === A)?.addrs).toEqual([A]);
    const before = c.dialTimes(B, A).length;
    c.net.runFor(10_000);
    expect(c.dialTimes(B, A).length - before).toBe(2);
  });
});

describe('kameo scenario 2: node A is running, node B connects', () => {
  it('connects at T+0, stays up without suspicion, and frames flow both ways at once', () => {
    // No shuffles: only pings keep the quiet link alive.
    const c = new Cluster([B, A], { config: { shuffleIntervalMs: 3_600_000 } });
    const t0 = c.now;
    c.net.runFor(1_000);
    const up = c.events(B, 'peer:connected', A);
    expect(up).toHaveLength(1);
    expect(up[0]!.at - t0).toBeLessThan(2 * RTT);
    expect(c.pm(A).connectedPeers()).toEqual([B]);

    const got: string[] = [];
    c.pm(A).on('frame', (from, f) => got.push(`${from}:${f.kind}`));
    c.pm(B).on('frame', (from, f) => got.push(`${from}:${f.kind}`));
    const sentAt = c.now;
    expect(c.pm(B).send(A, { kind: 'prune' })).toBe(true);
    expect(c.pm(A).send(B, { kind: 'prune' })).toBe(true);
    c.net.runFor(RTT);
    expect(got.sort()).toEqual([`${B}:prune`, `${A}:prune`]);
    expect(c.now - sentAt).toBe(RTT);

    // Ten minutes of quiet: pings keep it alive, nobody is suspected, one connection throughout.
    c.net.runFor(600_000);
    expect(c.log.filter((e) => e.event !== 'peer:connected')).toEqual([]);
    const stats = c.pm(B).stats();
    expect(stats.counters.sentByKind.ping).toBeGreaterThanOrEqual(19);
    expect(stats.peers.find((p) => p.id === A)?.rttMs).toBeGreaterThan(0);
  });
});

describe('kameo scenario 3: node A goes down while connected', () => {
  it('EOF at once, consensus after 100 ms → down, reconnection from T+5 s, dead at T+15 min', () => {
    const c = new Cluster([C, B, A]);
    c.net.runFor(5_000);
    expect(c.fullMesh([A, B, C])).toBe(true);
    const t0 = c.now;
    c.net.crash(A);
    c.net.runFor(1_000);
    for (const n of [B, C]) {
      const suspect = c.events(n, 'peer:suspect', A);
      expect(suspect).toHaveLength(1);
      expect(suspect[0]!.at - t0).toBeLessThan(RTT / 2); // EOF after one latency
      const down = c.events(n, 'peer:down', A);
      expect(down).toHaveLength(1);
      // Query sent 100 ms after the EOF; the other survivor answers within a round trip.
      expect(down[0]!.at - suspect[0]!.at).toBeGreaterThanOrEqual(100);
      expect(down[0]!.at - suspect[0]!.at).toBeLessThan(100 + RTT);
    }
    expect(c.pm(B).stats().counters.consensusQueries).toBe(1);
    expect(c.pm(C).stats().counters.answersSent).toBe(1);

    // Both survivors sort below A, so both redial it: first attempt after 5 s (less up to 10% jitter).
    c.net.runFor(60_000);
    for (const n of [B, C]) {
      const redials = c.dialTimes(n, A).map((t) => t - t0).filter((t) => t > 0);
      expect(redials[0]).toBeGreaterThanOrEqual(4_500);
      expect(redials[0]).toBeLessThanOrEqual(5_000 + RTT);
      expect(redials[1]! - redials[0]!).toBeGreaterThanOrEqual(9_000 - RTT);
      expect(redials[1]! - redials[0]!).toBeLessThanOrEqual(10_000 + RTT);
    }

    c.net.runFor(900_000 - 61_000 + RTT);
    for (const n of [B, C]) {
      const dead = c.events(n, 'peer:dead', A);
      expect(dead).toHaveLength(1);
      expect(dead[0]!.at - c.events(n, 'peer:suspect', A)[0]!.at).toBeCloseTo(900_000, 0);
      expect(c.pm(n).knownPeers().some((r) => r.id === A)).toBe(true);
      // A had announced its view (the other survivor): that record is what was dropped.
      expect(c.pm(n).stats().counters.recordsDropped).toBeGreaterThan(0);
    }
  });

  it('with invalidateRecordsOnDown the records go at the down verdict, not 15 min later', () => {
    const c = new Cluster([C, B, A], { config: { invalidateRecordsOnDown: true } });
    c.net.runFor(5_000);
    c.net.crash(A);
    c.net.runFor(1_000);
    expect(c.events(B, 'peer:down', A)).toHaveLength(1);
    expect(c.pm(B).stats().counters.recordsDropped).toBeGreaterThan(0);
    expect(c.events(B, 'peer:dead', A)).toHaveLength(0);
  });
});

describe('kameo scenario 4: node A comes back up', () => {
  it('after scenario 1: the next 5 s retry succeeds, the failure count resets, peer:recovered', () => {
    const c = new Cluster([B, A], { start: false });
    c.holdDown(A);
    const t0 = c.now;
    c.pm(B).start();
    c.net.runFor(60_000);
    expect(c.pm(B).peerState(A)).toBe('failed');
    c.bootUp(A); // A's new incarnation knows B but waits: B dials
    const back = c.now;
    c.net.runUntil(() => c.pm(B).connectedPeers().includes(A), 10_000);
    const up = c.events(B, 'peer:connected', A);
    expect(up).toHaveLength(1);
    expect(up[0]!.at - back).toBeLessThanOrEqual(5_000 + 2 * RTT);
    expect(c.dialTimes(A, B)).toEqual([]); // the larger id never dialed
    expect(c.events(B, 'peer:recovered', A)).toHaveLength(1);
    expect(c.pm(B).stats().peers.find((p) => p.id === A)).toMatchObject({ state: 'connected', failures: 0 });
    expect(back - t0).toBe(60_000);
  });

  it('after scenario 3: survivors reconnect on their backoff and recover the peer', () => {
    const c = new Cluster([C, B, A]);
    c.net.runFor(5_000);
    c.net.crash(A);
    c.net.runFor(20_000);
    c.net.restart(A);
    c.net.runUntil(() => c.fullMesh([A, B, C]), 60_000);
    expect(c.fullMesh([A, B, C])).toBe(true);
    for (const n of [B, C]) {
      expect(c.events(n, 'peer:recovered', A)).toHaveLength(1);
      expect(c.pm(n).stats().peers.find((p) => p.id === A)?.failures).toBe(0);
    }
  });
});
