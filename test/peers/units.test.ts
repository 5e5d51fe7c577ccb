/**
 * Unit tests of the pure parts of peers/: the dial rule, backoff, the failure tracker's timetables,
 * consensus bookkeeping, liveness (on a hand-driven clock), record checks, the peer table's bound, the
 * config/presets, and the sans-IO rule for the whole folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { Consensus, verdict } from '../../src/peers/consensus.js';
import { newEntry } from '../../src/peers/context.js';
import { Liveness } from '../../src/peers/liveness.js';
import { PeerTable } from '../../src/peers/peer-table.js';
import { checkRecord } from '../../src/peers/records.js';
import {
  DEFAULT_PEER_CONFIG,
  backoffDelay,
  backoffStep,
  isDialer,
  maxAttemptsFor,
  nextAttemptDelay,
  preferConnection,
  presets,
  recordFailure,
  recordSuccess,
  resolvePeerConfig,
  type FailureRecord,
} from '../../src/peers/index.js';
import type { QueryFrame } from '../../src/wire/frames.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('dial rule', () => {
  it('exactly one of two distinct ids dials', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(isDialer(a, b) !== isDialer(b, a)).toBe(true);
      }),
    );
  });

  it('both ends of a duplicate pair keep the same connection', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.boolean(), (a, b, existingOutboundAtA) => {
        fc.pre(a !== b);
        // A connection outbound at a is inbound at b. Opposite directions: each end keeps the same one.
        const atA = preferConnection(a, b, { outbound: existingOutboundAtA }, { outbound: !existingOutboundAtA });
        const atB = preferConnection(b, a, { outbound: !existingOutboundAtA }, { outbound: existingOutboundAtA });
        const keptAtA = atA === 'existing' ? existingOutboundAtA : !existingOutboundAtA; // outbound-at-a of the survivor
        const keptAtB = atB === 'existing' ? existingOutboundAtA : !existingOutboundAtA;
        expect(keptAtA).toBe(keptAtB);
        expect(keptAtA).toBe(isDialer(a, b)); // the survivor was dialed by the smaller id
      }),
    );
    // Same direction: the newer one (a restarted peer's) wins.
    expect(preferConnection('a', 'b', { outbound: true }, { outbound: true })).toBe('incoming');
  });
});

describe('backoff', () => {
  const cfg = resolvePeerConfig();

  it('5 s → 10 → 20 … capped at 300 s', () => {
    expect(Array.from({ length: 9 }, (_, i) => backoffStep(i, cfg))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('jitter only shortens a step, by at most backoffJitter, deterministically per seed', () => {
    const r1 = new SeededRandom(42);
    const r2 = new SeededRandom(42);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(i % 10, cfg, r1);
      expect(d).toBeLessThanOrEqual(backoffStep(i % 10, cfg));
      expect(d).toBeGreaterThanOrEqual(backoffStep(i % 10, cfg) * (1 - cfg.backoffJitter));
      expect(backoffDelay(i % 10, cfg, r2)).toBe(d);
    }
  });

  it('attempt limits by role: server 20, browser 10', () => {
    expect(maxAttemptsFor('server', cfg)).toBe(20);
    expect(maxAttemptsFor('browser', cfg)).toBe(10);
    expect(maxAttemptsFor('browser', resolvePeerConfig({ maxAttempts: { browser: 4 } }))).toBe(4);
  });
});

describe('failure tracker', () => {
  const cfg = resolvePeerConfig();
  const random = new SeededRandom(1);

  it('discovery: every gossip interval, failed on the 3rd failure, then every peerRetryInterval forever', () => {
    const r: FailureRecord = { schedule: 'discovery', failures: 0, role: 'server' };
    const outcomes = Array.from({ length: 30 }, () => recordFailure(r, cfg, random));
    expect(outcomes.map((o) => o.becameFailed).indexOf(true)).toBe(2);
    expect(outcomes.filter((o) => o.becameFailed)).toHaveLength(1);
    expect(outcomes.slice(0, 2).map((o) => o.nextDelayMs)).toEqual([5_000, 5_000]);
    expect(outcomes.slice(2).every((o) => o.nextDelayMs === cfg.peerRetryIntervalMs)).toBe(true);
    expect(recordSuccess(r, cfg)).toBe(true);
    expect(r.failures).toBe(0);
    const fast = resolvePeerConfig(presets.fastDetection);
    const f: FailureRecord = { schedule: 'discovery', failures: 0, role: 'server' };
    expect([recordFailure(f, fast, random), recordFailure(f, fast, random)].map((o) => [o.becameFailed, o.nextDelayMs])).toEqual([
      [false, 500],
      [true, 1_000],
    ]);
  });

  it('reconnect: backoff delays, failed after 3, gives up after maxAttempts[role]', () => {
    const r: FailureRecord = { schedule: 'reconnect', failures: 0, role: 'browser' };
    expect(nextAttemptDelay(r, cfg, random)).toBeLessThanOrEqual(5_000);
    const outcomes = Array.from({ length: 10 }, () => recordFailure(r, cfg, random));
    expect(outcomes[2]?.becameFailed).toBe(true);
    expect(outcomes[8]?.nextDelayMs).not.toBeNull();
    expect(outcomes[9]?.nextDelayMs).toBeNull();
  });
});

describe('consensus', () => {
  function setup(maxInflightQueries = 16) {
    const clock = new ManualClock();
    const sent: { to: string; frame: QueryFrame }[] = [];
    const decided: { target: string; v: ReturnType<typeof verdict> }[] = [];
    const c = new Consensus(clock, new SeededRandom(3), { consensusTimeoutMs: 1_000, maxInflightQueries }, {
      send: (to, frame) => sent.push({ to, frame }),
      decide: (target, tally) => decided.push({ target, v: verdict(tally) }),
    });
    return { clock, sent, decided, c };
  }

  it('majority of answers decides; all answered ends early', () => {
    const { sent, decided, c } = setup();
    expect(c.start('x', ['a', 'b', 'c'])).toBe(true);
    const qid = sent[0]!.frame.qid;
    expect(sent.map((s) => s.to)).toEqual(['a', 'b', 'c']);
    c.answer('a', { kind: 'answer', qid, target: 'x', reachable: false });
    c.answer('b', { kind: 'answer', qid, target: 'x', reachable: false });
    expect(decided).toEqual([]);
    c.answer('c', { kind: 'answer', qid, target: 'x', reachable: true });
    expect(decided).toEqual([{ target: 'x', v: 'down' }]);
  });

  it('rejects unknown qids, peers not asked, wrong targets and duplicates', () => {
    const { sent, decided, c } = setup();
    c.start('x', ['a', 'b']);
    const qid = sent[0]!.frame.qid;
    expect(c.answer('a', { kind: 'answer', qid: qid ^ 1, target: 'x', reachable: false })).toBe('unknown-qid');
    expect(c.answer('z', { kind: 'answer', qid, target: 'x', reachable: false })).toBe('not-asked');
    expect(c.answer('a', { kind: 'answer', qid, target: 'y', reachable: false })).toBe('wrong-target');
    expect(c.answer('a', { kind: 'answer', qid, target: 'x', reachable: true })).toBeNull();
    expect(c.answer('a', { kind: 'answer', qid, target: 'x', reachable: false })).toBe('duplicate');
    expect(decided).toEqual([]);
  });

  it('times out with the answers it has; no answers → no verdict (local evidence decides)', () => {
    const { clock, sent, decided, c } = setup();
    c.start('x', ['a', 'b', 'c']);
    c.start('y', ['a']);
    c.answer('b', { kind: 'answer', qid: sent[0]!.frame.qid, target: 'x', reachable: true });
    clock.advance(1_000);
    expect(decided).toEqual([
      { target: 'x', v: 'unreachable' },
      { target: 'y', v: null },
    ]);
    expect(c.inflight).toBe(0);
  });

  it('bounds queries in flight and one per target; forget() stops waiting for a gone neighbour', () => {
    const { decided, c } = setup(2);
    expect(c.start('x', ['a'])).toBe(true);
    expect(c.start('x', ['b'])).toBe(false);
    expect(c.start('y', ['a', 'b'])).toBe(true);
    expect(c.start('z', ['a'])).toBe(false);
    expect(c.start('w', [])).toBe(false);
    c.forget('a');
    expect(decided.map((d) => d.target)).toEqual(['x']);
    expect(c.inflight).toBe(1);
  });

  it('verdict: strict majority of "cannot reach" is down, ties are unreachable', () => {
    expect(verdict({ asked: 3, reachable: 0, unreachable: 0 })).toBeNull();
    expect(verdict({ asked: 3, reachable: 1, unreachable: 1 })).toBe('unreachable');
    expect(verdict({ asked: 3, reachable: 1, unreachable: 2 })).toBe('down');
    expect(verdict({ asked: 3, reachable: 0, unreachable: 1 })).toBe('down');
  });
});

describe('liveness', () => {
  const cfg = { pingIntervalMs: 30_000, pongTimeoutMs: 10_000, maxMissedPongs: 3 };

  function monitor(leads: boolean) {
    const clock = new ManualClock(0);
    const pings: number[] = [];
    let deadAt = -1;
    const l = new Liveness(clock, cfg, leads, { sendPing: () => pings.push(clock.now()), dead: () => (deadAt = clock.now()) });
    return { clock, pings, l, dead: () => deadAt };
  }

  it('the dialer pings after 30 s of silence and, unanswered, retries every 10 s; 3 misses → dead', () => {
    const { clock, pings, dead } = monitor(true);
    clock.advance(100_000);
    expect(pings).toEqual([30_000, 40_000, 50_000]);
    expect(dead()).toBe(60_000);
  });

  it('the acceptor waits a pong timeout longer; any frame counts as life and resets the misses', () => {
    const { clock, pings, l, dead } = monitor(false);
    clock.advance(45_000);
    expect(pings).toEqual([40_000]);
    l.heard();
    clock.advance(40_000 + 10_000 - 1);
    expect(pings).toEqual([40_000, 85_000]);
    expect(dead()).toBe(-1);
    l.stop();
    clock.advance(1_000_000);
    expect(dead()).toBe(-1);
  });

  it('pongs give an RTT estimate', () => {
    const { clock, l } = monitor(true);
    clock.advance(30_000);
    clock.advance(40);
    l.pong(1, 30_000);
    expect(l.rttMs).toBe(40);
    expect(l.heardWithin(0)).toBe(true);
  });
});

describe('records and the peer table', () => {
  it('rejects bad ids, ourselves, bad roles, too many or empty addresses, bad ages', () => {
    const ok = { id: 'p', role: 'server' as const, addrs: ['tcp://h:1'], age: 0 };
    expect(checkRecord(ok, 'me')).toBeNull();
    expect(checkRecord({ ...ok, id: '' }, 'me')).toBe('record-bad-id');
    expect(checkRecord({ ...ok, id: 'x'.repeat(65) }, 'me')).toBe('record-bad-id');
    expect(checkRecord({ ...ok, id: 'me' }, 'me')).toBe('record-self');
    expect(checkRecord({ ...ok, role: 'admin' as never }, 'me')).toBe('record-bad-role');
    expect(checkRecord({ ...ok, addrs: Array(9).fill('a') }, 'me')).toBe('record-bad-addrs');
    expect(checkRecord({ ...ok, addrs: [''] }, 'me')).toBe('record-bad-addrs');
    expect(checkRecord({ ...ok, age: -1 }, 'me')).toBe('record-bad-age');
  });

  it('the passive view never exceeds its bound; host entries are not evicted by network ones', () => {
    const t = new PeerTable(new SeededRandom(5), () => 10);
    for (let i = 0; i < 5; i++) t.upsert(`h${i}`, 'server', [`h${i}`], 'host', 0, () => newEntry(`h${i}`, 'server', [], 'host', 0));
    let full = 0;
    for (let i = 0; i < 100; i++) {
      const id = `n${i}`;
      if (t.upsert(id, 'browser', [id], 'x', 0, () => newEntry(id, 'browser', [], 'x', 0)) === 'full') full++;
      expect(t.passiveCount).toBeLessThanOrEqual(10);
    }
    expect(full).toBe(0);
    expect([...t.entries()].filter((e) => e.source === 'host')).toHaveLength(5);
    // Only host entries left and a network newcomer: dropped.
    const h = new PeerTable(new SeededRandom(5), () => 2);
    h.upsert('a', 'server', ['a'], 'host', 0, () => newEntry('a', 'server', [], 'host', 0));
    h.upsert('b', 'server', ['b'], 'host', 0, () => newEntry('b', 'server', [], 'host', 0));
    expect(h.upsert('c', 'server', ['c'], 'x', 0, () => newEntry('c', 'server', [], 'x', 0))).toBe('full');
  });

  it('hands every evicted entry to onEvict (its timers are cancelled there)', () => {
    const evicted: string[] = [];
    const t = new PeerTable(new SeededRandom(5), () => 3, () => false, (e) => evicted.push(e.id));
    for (let i = 0; i < 10; i++) t.upsert(`n${i}`, 'browser', [`n${i}`], 'x', 0, () => newEntry(`n${i}`, 'browser', [], 'x', 0));
    expect(evicted).toHaveLength(7);
    for (const id of evicted) expect(t.get(id)).toBeUndefined();
  });
});

describe('config and presets', () => {
  it('defaults are the seed documents’ numbers', () => {
    expect(DEFAULT_PEER_CONFIG).toMatchObject({
      gossipIntervalMs: 5_000,
      maxPeerFailures: 3,
      peerRetryIntervalMs: 5_000,
      deadPeerTimeoutMs: 900_000,
      consensusDelayMs: 100,
      maxPooledConnections: 20,
      pingIntervalMs: 30_000,
      pongTimeoutMs: 10_000,
      maxMissedPongs: 3,
      backoffInitialMs: 5_000,
      backoffMaxMs: 300_000,
      maxAttempts: { server: 20, browser: 10 },
    });
  });

  it('presets carry the kameo "Configuration Tips" values and resolve to valid configs', () => {
    expect(presets.fastDetection).toMatchObject({ gossipIntervalMs: 500, maxPeerFailures: 2, peerRetryIntervalMs: 1_000 });
    expect(presets.stableNetwork).toMatchObject({
      gossipIntervalMs: 10_000,
      maxPeerFailures: 5,
      peerRetryIntervalMs: 30_000,
      deadPeerTimeoutMs: 3_600_000,
    });
    expect(presets.largeNetwork).toMatchObject({ maxPooledConnections: 50, gossipIntervalMs: 10_000 });
    for (const p of Object.values(presets)) {
      const cfg = resolvePeerConfig(p);
      expect(cfg.activeViewTarget).toBeLessThanOrEqual(cfg.maxPooledConnections);
    }
  });

  it('rejects nonsense', () => {
    expect(() => resolvePeerConfig({ pingIntervalMs: -1 })).toThrow(RangeError);
    expect(() => resolvePeerConfig({ maxPeerFailures: 0 })).toThrow(RangeError);
  });
});

describe('sans-IO', () => {
  it('src/peers never reads the host clock, draws Math.random, sets host timers, opens sockets or awaits', () => {
    const dir = join(import.meta.dirname, '../../src/peers');
    const banned = [/Date\.now/, /Math\.random/, /\bsetTimeout\b/, /\bsetInterval\b/, /performance\.now/, /node:(net|dgram|fs)/, /\bawait\b/, /\bPromise\b/];
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const code = readFileSync(join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const re of banned) expect(re.test(code), `${f} uses ${re}`).toBe(false);
    }
  });
});
