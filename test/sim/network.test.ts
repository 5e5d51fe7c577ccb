import { describe, expect, it } from 'vitest';
import { SimNetwork } from '../../src/transport/sim/index.js';
import type { PeerId } from '../../src/wire/frames.js';
import { Probe, encode, probing } from './helpers.js';

/** A network with the given nodes, each running a Probe; no jitter so times are exact. */
function setup(ids: PeerId[], options: Partial<ConstructorParameters<typeof SimNetwork>[0]> = {}) {
  const net = new SimNetwork({ seed: 7, latencyMs: 10, jitterMs: 0, ...options });
  const probes = new Map<PeerId, Probe>();
  for (const id of ids) net.addNode(id, probing(probes));
  const probe = (id: PeerId) => probes.get(id) as Probe;
  return { net, probes, probe };
}

describe('SimNetwork basics', () => {
  it('dial opens a connection on both sides after the connect latency; outbound only on the dialer', () => {
    const { net, probe } = setup(['a', 'b']);
    net.connect('a', 'b');
    net.runFor(9);
    expect(probe('b').conns).toHaveLength(0);
    net.runFor(1); // the dial reaches b at 10 ms
    expect(probe('b').conns).toHaveLength(1);
    expect(probe('b').conns[0]?.outbound).toBe(false);
    expect(probe('b').conns[0]?.remotePeerId).toBe('a');
    expect(probe('a').conns).toHaveLength(0);
    net.runFor(10); // the accept reaches a at 20 ms
    expect(probe('a').conns[0]?.outbound).toBe(true);
    expect(probe('a').conns[0]?.remotePeerId).toBe('b');
    expect(net.stats().connectionsOpened).toBe(1);
  });

  it('send delivers the same bytes as one data event after the link latency', () => {
    const { net, probe } = setup(['a', 'b']);
    net.connect('a', 'b');
    net.runFor(20);
    const frame = encode('hello');
    probe('a').to('b').send(frame);
    net.runFor(10);
    expect(probe('b').received).toEqual([{ from: 'a', text: 'hello', at: 30 }]);
    expect(net.stats().deliveries).toBe(1);
    expect(net.stats().bytesDelivered).toBe(5);
  });

  it('frames on one connection arrive in order despite jitter (FIFO)', () => {
    const { net, probe } = setup(['a', 'b'], { jitterMs: 50, jitter: 'exponential' });
    net.connect('a', 'b');
    net.runFor(1000);
    for (let i = 0; i < 200; i++) probe('a').to('b').send(encode(String(i)));
    net.runFor(5000);
    expect(probe('b').texts()).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });

  it('dials to an unknown peer or to oneself fail', () => {
    const { net, probe } = setup(['a']);
    net.connect('a', 'nobody');
    net.connect('a', 'a');
    net.runFor(100);
    expect(probe('a').dialFailures.map((f) => [f.address, f.reason])).toEqual([
      ['nobody', 'unknown-peer'],
      ['a', 'self'],
    ]);
  });

  it('close(reason) closes the local end with the reason and the remote end with eof after latency', () => {
    const { net, probe } = setup(['a', 'b']);
    net.connect('a', 'b');
    net.runFor(20);
    probe('a').to('b').close('bye');
    net.runFor(0);
    expect(probe('a').closes).toEqual([{ peer: 'b', reason: 'bye', at: 20 }]);
    expect(probe('b').closes).toHaveLength(0);
    net.runFor(10);
    expect(probe('b').closes).toEqual([{ peer: 'a', reason: 'eof', at: 30 }]);
    expect(probe('a').conns[0]?.send(encode('late'))).toBe(false);
    expect(net.stats().dropped.closed).toBe(1);
  });

  it('frames sent before close still arrive before the eof', () => {
    const { net, probe } = setup(['a', 'b'], { jitterMs: 5 });
    net.connect('a', 'b');
    net.runFor(100);
    const conn = probe('a').to('b');
    conn.send(encode('1'));
    conn.send(encode('2'));
    conn.close();
    net.runFor(100);
    expect(probe('b').texts()).toEqual(['1', '2']);
    expect(probe('b').closes.map((c) => c.reason)).toEqual(['eof']);
  });

  it('transport.close() closes every connection and refuses later dials', () => {
    const { net, probe } = setup(['a', 'b', 'c']);
    net.connect('a', 'b');
    net.runFor(50);
    void net.node('b').transport.close();
    net.runFor(50);
    expect(probe('a').closes.map((c) => c.reason)).toEqual(['eof']);
    expect(probe('b').closes.map((c) => c.reason)).toEqual(['transport-closed']);
    net.connect('c', 'b');
    net.runFor(50);
    expect(probe('c').dialFailures.map((f) => f.reason)).toEqual(['refused']);
  });

  it('addNode rejects a duplicate id; node() rejects an unknown one; nodes() lists in order', () => {
    const { net } = setup(['a', 'b']);
    expect(() => net.addNode('a')).toThrow(/already exists/);
    expect(() => net.node('zz')).toThrow(/unknown node/);
    expect(net.nodes().map((n) => n.id)).toEqual(['a', 'b']);
  });

  it('capabilities given to addNode show up as remoteCapabilities at the other end', () => {
    const net = new SimNetwork({ seed: 1 });
    const probes = new Map<PeerId, Probe>();
    net.addNode('a', probing(probes), { capabilities: ['gossip'] });
    net.addNode('b', probing(probes));
    net.connect('a', 'b');
    net.runFor(100);
    expect(probes.get('b')?.conns[0]?.remoteCapabilities).toEqual(['gossip']);
    expect(probes.get('a')?.conns[0]?.remoteCapabilities).toEqual([]);
  });

  it('virtual clock: timers fire at their time, cancelTimer stops one, runUntil stops when the predicate holds', () => {
    const { net } = setup(['a']);
    const clock = net.node('a').clock;
    const fired: number[] = [];
    clock.setTimer(30, () => fired.push(clock.now()));
    const cancelled = clock.setTimer(20, () => fired.push(-1));
    clock.setTimer(10, () => fired.push(clock.now()));
    clock.cancelTimer(cancelled);
    expect(net.runUntil(() => fired.length === 1, 1000)).toBe(true);
    expect(net.now()).toBe(10);
    net.runFor(100);
    expect(fired).toEqual([10, 30]);
    expect(net.now()).toBe(110);
    expect(net.runUntil(() => false, 50)).toBe(false);
    expect(net.now()).toBe(160);
    expect(net.stats().timersFired).toBe(2);
  });

  it('timers due at the same instant run in the order they were set', () => {
    const { net } = setup(['a', 'b']);
    const order: string[] = [];
    for (let i = 0; i < 50; i++) {
      const id = i % 2 === 0 ? 'a' : 'b';
      net.node(id).clock.setTimer(5, () => order.push(`${id}${i}`));
    }
    net.runFor(5);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => `${i % 2 === 0 ? 'a' : 'b'}${i}`));
  });

  it('step() runs one event at a time and reports an empty queue', () => {
    const { net } = setup(['a']);
    const fired: number[] = [];
    net.node('a').clock.setTimer(5, () => fired.push(1));
    net.node('a').clock.setTimer(7, () => fired.push(2));
    expect(net.step()).toBe(true);
    expect(fired).toEqual([1]);
    expect(net.now()).toBe(5);
    expect(net.step()).toBe(true);
    expect(net.step()).toBe(false);
    expect(net.pendingEvents).toBe(0);
  });

  it('a simulated hour of a periodic protocol runs in virtual time', () => {
    const { net } = setup(['a', 'b']);
    let ticks = 0;
    const tick = () => {
      ticks++;
      net.node('a').clock.setTimer(1000, tick);
    };
    tick();
    net.runFor(3_600_000);
    expect(ticks).toBe(3601);
    expect(net.now()).toBe(3_600_000);
  });

  it('trace keeps only the last traceKeep entries while stats count them all', () => {
    const { net, probe } = setup(['a', 'b'], { traceKeep: 5 });
    net.connect('a', 'b');
    net.runFor(50);
    for (let i = 0; i < 20; i++) probe('a').to('b').send(encode(String(i)));
    net.runFor(50);
    const trace = net.trace();
    expect(trace).toHaveLength(5);
    expect(trace.every((e) => e.type === 'deliver' && e.from === 'a' && e.to === 'b')).toBe(true);
    expect(net.stats().traceEntries).toBe(22); // 2 connect entries + 20 deliveries
  });

  it('setLink overrides one direction only, merged over the defaults', () => {
    const { net, probe } = setup(['a', 'b']);
    net.setLink('a', 'b', { latencyMs: 100 });
    expect(net.linkOptions('a', 'b').latencyMs).toBe(100);
    expect(net.linkOptions('b', 'a').latencyMs).toBe(10);
    net.connect('a', 'b');
    net.runFor(200);
    expect(probe('b').conns).toHaveLength(1);
    const t0 = net.now();
    probe('a').to('b').send(encode('slow'));
    probe('b').to('a').send(encode('fast'));
    net.runFor(200);
    expect(probe('a').received[0]?.at).toBe(t0 + 10);
    expect(probe('b').received[0]?.at).toBe(t0 + 100);
  });

  it('setLink on an open connection applies to the frames sent after it', () => {
    const { net, probe } = setup(['a', 'b']);
    net.connect('a', 'b');
    net.runFor(50);
    net.setLink('a', 'b', { latencyMs: 40 });
    const t0 = net.now();
    probe('a').to('b').send(encode('x'));
    net.runFor(100);
    expect(probe('b').received[0]?.at).toBe(t0 + 40);
  });

  it('a throwing data listener is reported to error listeners and does not stop the others', () => {
    const { net, probe } = setup(['a', 'b']);
    net.connect('a', 'b');
    net.runFor(50);
    const conn = probe('b').to('a');
    const errors: Error[] = [];
    conn.on('error', (err) => errors.push(err));
    conn.on('data', () => {
      throw new Error('bad listener');
    });
    probe('a').to('b').send(encode('x'));
    net.runFor(50);
    expect(errors.map((e) => e.message)).toEqual(['bad listener']);
    expect(probe('b').texts()).toEqual(['x']); // the probe's listener still ran
  });

  it('off() and once() work for data listeners', () => {
    const { net, probe } = setup(['a', 'b']);
    net.connect('a', 'b');
    net.runFor(50);
    const conn = probe('b').to('a');
    const seen: string[] = [];
    const listener = () => seen.push('on');
    conn.on('data', listener);
    conn.once('data', () => seen.push('once'));
    probe('a').to('b').send(encode('1'));
    net.runFor(50);
    conn.off('data', listener);
    probe('a').to('b').send(encode('2'));
    net.runFor(50);
    expect(seen).toEqual(['on', 'once']);
  });

  it('schedule() runs a network-level callback at its time', () => {
    const { net } = setup(['a']);
    const at: number[] = [];
    net.schedule(25, () => at.push(net.now()));
    net.runFor(100);
    expect(at).toEqual([25]);
  });
});
