import { describe, expect, it } from 'vitest';
import { SimNetwork } from '../../src/transport/sim/index.js';
import type { SimNetworkOptions } from '../../src/transport/sim/index.js';
import type { PeerId } from '../../src/wire/frames.js';
import { Probe, encode, probing } from './helpers.js';

function setup(ids: PeerId[], options: Partial<SimNetworkOptions> = {}) {
  const net = new SimNetwork({ seed: 11, latencyMs: 10, jitterMs: 0, ...options });
  const probes = new Map<PeerId, Probe>();
  for (const id of ids) net.addNode(id, probing(probes));
  const probe = (id: PeerId) => probes.get(id) as Probe;
  return { net, probes, probe };
}

/** Connects a→b and waits until both ends are open. */
function link(net: SimNetwork, probe: (id: PeerId) => Probe, a: PeerId, b: PeerId): void {
  net.connect(a, b);
  net.runFor(50);
  probe(a).to(b);
  probe(b).to(a);
}

describe('faults seen from the protocol side', () => {
  it('partition drops frames both ways and fails dials with a timeout; connections stay open; heal resumes flow', () => {
    const { net, probe } = setup(['a', 'b', 'c'], { connectTimeoutMs: 500 });
    link(net, probe, 'a', 'b');
    net.partition(['a'], ['b', 'c']);
    expect(net.isPartitioned('a', 'b')).toBe(true);
    probe('a').to('b').send(encode('lost-1'));
    probe('b').to('a').send(encode('lost-2'));
    net.connect('a', 'c');
    net.runFor(400);
    expect(probe('a').dialFailures).toHaveLength(0); // no answer yet: it times out
    net.runFor(200);
    expect(probe('a').dialFailures.map((f) => [f.address, f.reason, f.at])).toEqual([['c', 'timeout', 550]]);
    expect(probe('a').received).toHaveLength(0);
    expect(probe('b').received).toHaveLength(0);
    expect(probe('a').closes).toHaveLength(0); // no EOF in a partition
    expect(probe('b').closes).toHaveLength(0);
    expect(net.stats().dropped.partition).toBe(2);

    net.heal();
    probe('a').to('b').send(encode('after-heal'));
    net.runFor(50);
    expect(probe('b').texts()).toEqual(['after-heal']);
    expect(net.faults().map((f) => f.type)).toEqual(['partition', 'heal']);
    expect(net.faults()[0]?.nodes).toEqual(['a', 'b', 'c']);
  });

  it('frames already in flight when the partition starts are dropped', () => {
    const { net, probe } = setup(['a', 'b']);
    link(net, probe, 'a', 'b');
    probe('a').to('b').send(encode('in-flight'));
    net.runFor(5);
    net.partition(['a'], ['b']);
    net.runFor(50);
    expect(probe('b').received).toHaveLength(0);
  });

  it('a close during a partition leaves the other end half-open until a frame after heal draws a reset', () => {
    const { net, probe } = setup(['a', 'b']);
    link(net, probe, 'a', 'b');
    net.partition(['a'], ['b']);
    probe('a').to('b').close('going');
    net.runFor(100);
    expect(probe('b').closes).toHaveLength(0);
    net.heal();
    probe('b').to('a').send(encode('anyone?'));
    net.runFor(100);
    expect(probe('b').closes.map((c) => c.reason)).toEqual(['reset']);
  });

  it('crash: the remote ends see eof after latency, the crashed node’s timers never fire, dials to it are refused', () => {
    const { net, probe } = setup(['a', 'b', 'c']);
    link(net, probe, 'a', 'b');
    let fired = 0;
    net.node('b').clock.setTimer(10, () => fired++);
    const t0 = net.now();
    net.crash('b');
    expect(net.node('b').alive).toBe(false);
    net.runFor(9);
    expect(probe('a').closes).toHaveLength(0);
    net.runFor(1);
    expect(probe('a').closes).toEqual([{ peer: 'b', reason: 'eof', at: t0 + 10 }]);
    net.runFor(1000);
    expect(fired).toBe(0);
    expect(net.stats().timersDropped).toBe(1);
    net.connect('c', 'b');
    net.runFor(100);
    expect(probe('c').dialFailures.map((f) => f.reason)).toEqual(['refused']);
    expect(net.faults().map((f) => [f.type, f.nodes])).toEqual([['crash', ['b']]]);
  });

  it('frames in flight to a crashed node are dropped', () => {
    const { net, probe } = setup(['a', 'b']);
    link(net, probe, 'a', 'b');
    probe('a').to('b').send(encode('x'));
    net.crash('b');
    net.runFor(100);
    expect(net.stats().deliveries).toBe(0);
    expect(net.stats().dropped.crashed).toBe(1);
  });

  it('restart keeps the store, loses memory, gets a new incarnation, transport and clock; old timers stay dead', () => {
    const net = new SimNetwork({ seed: 3, latencyMs: 10, jitterMs: 0 });
    const memories: Map<string, number>[] = [];
    const probes = new Map<PeerId, Probe>();
    let oldTimerFired = false;
    net.addNode(
      'a',
      probing(probes, (node) => {
        const memory = new Map<string, number>([['boots', 1]]);
        memories.push(memory);
        node.store.set('boots', ((node.store.get('boots') as number | undefined) ?? 0) + 1);
        if (node.incarnation === 0) node.clock.setTimer(500, () => (oldTimerFired = true));
      }),
    );
    net.addNode('b', probing(probes));
    const first = net.node('a');
    const firstTransport = first.transport;
    net.connect('b', 'a');
    net.runFor(50);
    net.restart('a');
    const again = net.node('a');
    expect(again.incarnation).toBe(1);
    expect(again.alive).toBe(true);
    expect(again.store.get('boots')).toBe(2);
    expect(memories).toHaveLength(2);
    expect(memories[1]?.get('boots')).toBe(1); // fresh memory
    expect(again.transport).not.toBe(firstTransport);
    net.runFor(1000);
    expect(oldTimerFired).toBe(false);
    expect(probes.get('b')?.closes.map((c) => c.reason)).toEqual(['eof']);
    // The new incarnation is reachable.
    net.connect('b', 'a');
    net.runFor(50);
    expect(probes.get('a')?.conns).toHaveLength(1);
    expect(net.faults().map((f) => f.type)).toEqual(['crash', 'restart']);
  });

  it('the old incarnation’s clock and transport are inert after a restart', () => {
    const { net, probe } = setup(['a', 'b']);
    const oldClock = net.node('a').clock;
    const oldTransport = net.node('a').transport;
    net.restart('a');
    let fired = false;
    oldClock.setTimer(1, () => (fired = true));
    oldTransport.dial('b');
    net.runFor(100);
    expect(fired).toBe(false);
    expect(probe('b').conns).toHaveLength(0);
  });

  it('freeze: no close, no replies, timers and frames wait; after the thaw everything runs in order', () => {
    const { net, probe } = setup(['a', 'b']);
    // b echoes every frame back.
    link(net, probe, 'a', 'b');
    const bConn = probe('b').to('a');
    bConn.on('data', (frame) => bConn.send(frame));
    const timerAt: number[] = [];
    net.node('b').clock.setTimer(100, () => timerAt.push(net.now()));
    const t0 = net.now();
    net.freeze('b', 1000);
    probe('a').to('b').send(encode('ping-1'));
    probe('a').to('b').send(encode('ping-2'));
    net.runFor(900);
    expect(probe('a').received).toHaveLength(0); // no replies
    expect(probe('a').closes).toHaveLength(0); // and no EOF
    expect(timerAt).toHaveLength(0);
    net.runFor(200);
    expect(timerAt).toEqual([t0 + 1000]);
    expect(probe('a').texts()).toEqual(['ping-1', 'ping-2']);
    expect(probe('a').received[0]?.at).toBe(t0 + 1010);
    expect(net.faults().map((f) => [f.type, f.at])).toEqual([
      ['freeze', t0],
      ['thaw', t0 + 1000],
    ]);
  });

  it('a dial to a frozen node is answered only after the thaw', () => {
    const { net, probe } = setup(['a', 'b']);
    net.freeze('b', 500);
    net.connect('a', 'b');
    net.runFor(400);
    expect(probe('b').conns).toHaveLength(0);
    expect(probe('a').conns).toHaveLength(0);
    expect(probe('a').dialFailures).toHaveLength(0);
    net.runFor(200);
    expect(probe('b').conns).toHaveLength(1);
    expect(probe('a').conns).toHaveLength(1);
  });

  it('clog: traffic in and out waits until the clog ends, then is delivered; timers still run', () => {
    const { net, probe } = setup(['a', 'b']);
    link(net, probe, 'a', 'b');
    const t0 = net.now();
    net.clog('b', 500);
    const timerAt: number[] = [];
    net.node('b').clock.setTimer(100, () => timerAt.push(net.now()));
    probe('a').to('b').send(encode('in'));
    probe('b').to('a').send(encode('out'));
    net.runFor(400);
    expect(timerAt).toEqual([t0 + 100]);
    expect(probe('a').received).toHaveLength(0);
    expect(probe('b').received).toHaveLength(0);
    net.runFor(200);
    expect(probe('b').received).toEqual([{ from: 'a', text: 'in', at: t0 + 500 }]);
    expect(probe('a').received).toEqual([{ from: 'b', text: 'out', at: t0 + 510 }]);
    expect(net.faults().map((f) => f.type)).toEqual(['clog', 'unclog']);
  });

  it('connectFailure: a fraction of dials fail with connect-failure, each on the fault timeline', () => {
    const { net, probe } = setup(['a', 'b'], { connectFailure: 0.3 });
    for (let i = 0; i < 400; i++) net.connect('a', 'b');
    net.runFor(100);
    const failed = probe('a').dialFailures.filter((f) => f.reason === 'connect-failure').length;
    expect(failed).toBeGreaterThan(80);
    expect(failed).toBeLessThan(160);
    expect(probe('a').conns).toHaveLength(400 - failed);
    expect(net.faults().filter((f) => f.type === 'connect-failure')).toHaveLength(failed);
    expect(net.stats().dialFailures['connect-failure']).toBe(failed);
  });

  it('resetProbability: a reset connection is seen as close("reset") at both ends', () => {
    const { net, probe } = setup(['a', 'b'], { resetProbability: 0.05 });
    link(net, probe, 'a', 'b');
    const conn = probe('a').to('b');
    for (let i = 0; i < 200 && !conn.closed; i++) {
      conn.send(encode(String(i)));
      net.runFor(30);
    }
    net.runFor(100);
    expect(probe('a').closes.map((c) => c.reason)).toEqual(['reset']);
    expect(probe('b').closes.map((c) => c.reason)).toEqual(['reset']);
    expect(net.stats().resets).toBe(1);
    expect(net.faults().map((f) => [f.type, f.nodes])).toEqual([['reset', ['b', 'a']]]);
  });
});
