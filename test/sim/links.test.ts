import { describe, expect, it } from 'vitest';
import { SimNetwork } from '../../src/transport/sim/index.js';
import type { SimNetworkOptions } from '../../src/transport/sim/index.js';
import type { PeerId } from '../../src/wire/frames.js';
import { Probe, encode, probing } from './helpers.js';

/** a and b connected; returns the network, the probes and the time the connection was ready. */
function pair(options: Partial<SimNetworkOptions>) {
  const net = new SimNetwork({ seed: 5, latencyMs: 10, jitterMs: 0, ...options });
  const probes = new Map<PeerId, Probe>();
  net.addNode('a', probing(probes));
  net.addNode('b', probing(probes));
  net.connect('a', 'b');
  net.runFor(2000);
  const a = probes.get('a') as Probe;
  const b = probes.get('b') as Probe;
  return { net, a, b, send: a.to('b') };
}

/** Sends `n` numbered frames a→b one per `gapMs`, then drains; returns one-way latencies. */
function latencies(options: Partial<SimNetworkOptions>, n = 2000, gapMs = 200): number[] {
  const { net, b, send } = pair(options);
  const sentAt: number[] = [];
  for (let i = 0; i < n; i++) {
    sentAt.push(net.now());
    send.send(encode(String(i)));
    net.runFor(gapMs);
  }
  net.runFor(10_000);
  return b.received.map((r) => r.at - (sentAt[Number(r.text)] as number));
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('link model', () => {
  it('uniform jitter: latency within [base, base + jitter), mean near the middle', () => {
    const l = latencies({ latencyMs: 20, jitterMs: 10, jitter: 'uniform' });
    expect(Math.min(...l)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...l)).toBeLessThan(30);
    expect(mean(l)).toBeGreaterThan(24);
    expect(mean(l)).toBeLessThan(26);
  });

  it('exponential jitter: mean near base + jitter, a long tail', () => {
    const l = latencies({ latencyMs: 20, jitterMs: 10, jitter: 'exponential' });
    expect(Math.min(...l)).toBeGreaterThanOrEqual(20);
    expect(mean(l)).toBeGreaterThan(28);
    expect(mean(l)).toBeLessThan(32);
    expect(Math.max(...l)).toBeGreaterThan(50);
  });

  it('normal jitter: mean near base, spread about σ, never negative', () => {
    const l = latencies({ latencyMs: 50, jitterMs: 10, jitter: 'normal' });
    expect(mean(l)).toBeGreaterThan(48);
    expect(mean(l)).toBeLessThan(52);
    const sd = Math.sqrt(mean(l.map((x) => (x - mean(l)) ** 2)));
    expect(sd).toBeGreaterThan(8);
    expect(sd).toBeLessThan(12);
    expect(Math.min(...l)).toBeGreaterThanOrEqual(0);
  });

  it('bandwidth: frames queue behind each other; arrival = transmit time + latency', () => {
    // 1000 B/s: a 100-byte frame takes 100 ms on the wire.
    const { net, b, send } = pair({ bandwidthBytesPerSec: 1000 });
    const t0 = net.now();
    for (let i = 0; i < 3; i++) send.send(new Uint8Array(100));
    expect(send.bufferedAmount).toBe(300);
    net.runFor(1000);
    expect(b.received.map((r) => r.at - t0)).toEqual([110, 210, 310]);
    expect(send.bufferedAmount).toBe(0);
  });

  it('backpressure: send() returns false over the high-water mark, then drain fires at the low-water mark', () => {
    const { net, a, send } = pair({ bandwidthBytesPerSec: 10_000, highWaterMarkBytes: 1000, lowWaterMarkBytes: 200 });
    const results: boolean[] = [];
    for (let i = 0; i < 12; i++) results.push(send.send(new Uint8Array(100)));
    expect(results.slice(0, 10).every(Boolean)).toBe(true); // 1000 bytes: at the mark, not over
    expect(results.slice(10)).toEqual([false, false]);
    expect(send.bufferedAmount).toBe(1200);
    const t0 = net.now();
    net.runFor(2000);
    // 100 bytes leave every 10 ms; the queue reaches 200 bytes after 10 frames.
    expect(a.drains).toEqual([{ peer: 'b', at: t0 + 100 }]);
  });

  it('unlimited bandwidth never pushes back', () => {
    const { send } = pair({});
    for (let i = 0; i < 1000; i++) expect(send.send(new Uint8Array(10_000))).toBe(true);
    expect(send.bufferedAmount).toBe(0);
  });

  it('loss drops about the configured fraction', () => {
    const { net, b, send } = pair({ loss: 0.2 });
    for (let i = 0; i < 5000; i++) send.send(encode(String(i)));
    net.runFor(1000);
    const lost = 5000 - b.received.length;
    expect(lost).toBe(net.stats().dropped.loss);
    expect(lost).toBeGreaterThan(850);
    expect(lost).toBeLessThan(1150);
  });

  it('duplicate delivers about the configured fraction twice, as the same bytes', () => {
    const { net, b, send } = pair({ duplicate: 0.1, jitterMs: 5 });
    const frames: Uint8Array[] = [];
    b.to('a').on('data', (frame) => frames.push(frame));
    const sent = encode('same');
    for (let i = 0; i < 2000; i++) send.send(sent);
    net.runFor(1000);
    const extra = b.received.length - 2000;
    expect(extra).toBe(net.stats().duplicates);
    expect(extra).toBeGreaterThan(150);
    expect(extra).toBeLessThan(250);
    expect(frames.every((f) => f === sent)).toBe(true); // no copies
  });

  it('reorder lets some frames overtake others; without it order is kept', () => {
    const run = (reorder: number) => {
      const { net, b, send } = pair({ reorder, jitterMs: 20 });
      for (let i = 0; i < 1000; i++) {
        send.send(encode(String(i)));
        net.runFor(1);
      }
      net.runFor(1000);
      const got = b.texts().map(Number);
      return { inversions: got.filter((x, i) => i > 0 && x < (got[i - 1] as number)).length, count: got.length, net };
    };
    const ordered = run(0);
    expect(ordered.inversions).toBe(0);
    const shuffled = run(0.2);
    expect(shuffled.count).toBe(1000);
    expect(shuffled.inversions).toBeGreaterThan(20);
    expect(shuffled.net.stats().reordered).toBeGreaterThan(150);
    expect(shuffled.net.stats().reordered).toBeLessThan(250);
  });
});
