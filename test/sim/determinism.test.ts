import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import type { Connection } from '../../src/core/transport.js';
import { FloodPeer, SimNetwork, randomRegularishGraph } from '../../src/transport/sim/index.js';
import type { SimNode } from '../../src/transport/sim/index.js';
import { decode, encode } from './helpers.js';

/**
 * A small workload over the Transport interface that exercises every source of nondeterminism the
 * simulator controls: a flood (FloodPeer), plus an echo protocol on a second set of connections driven
 * by node timers and node random draws, a buggify site, jittery lossy links, failed dials and a crash.
 */
function runWorkload(seed: number): { hash: string; deliveries: number } {
  const net = new SimNetwork({
    seed,
    latencyMs: 15,
    jitterMs: 10,
    jitter: 'exponential',
    loss: 0.02,
    duplicate: 0.02,
    reorder: 0.05,
    connectFailure: 0.05,
    buggifyActivation: 0.5,
  });
  const n = 24;
  const floods: FloodPeer[] = [];
  const boot = (i: number) => (node: SimNode) => {
    floods[i] = new FloodPeer(node.transport);
    const echoes: Connection[] = [];
    node.transport.on('connection', (conn) => {
      echoes.push(conn);
      conn.on('data', (frame) => {
        const text = decode(frame);
        if (text.startsWith('ping:')) conn.send(encode(`pong:${text.slice(5)}`));
      });
    });
    const tick = () => {
      const open = echoes.filter((c) => !c.closed);
      if (open.length > 0) {
        const target = open[node.random.int(open.length)] as Connection;
        target.send(encode(`ping:${node.id}:${node.random.nextU32()}`));
      }
      node.clock.setTimer(node.buggify('slow-tick', 0.5) ? 250 : 50 + node.random.int(50), tick);
    };
    node.clock.setTimer(node.random.int(100), tick);
  };
  for (let i = 0; i < n; i++) net.addNode(`p${i}`, boot(i));
  const graph = randomRegularishGraph(n, 4, new SeededRandom(`${seed}/graph`));
  graph.forEach((nb, i) => nb.forEach((j) => i < j && net.connect(`p${i}`, `p${j}`)));
  net.runFor(200);
  for (let m = 0; m < 10; m++) net.schedule(m * 37, () => floods[m % n]?.originate(m));
  net.schedule(150, () => net.crash('p3'));
  net.runFor(1500);
  return { hash: net.traceHash(), deliveries: net.stats().deliveries };
}

describe('determinism', () => {
  it('the same seed and workload give the same trace hash; 20 seeds give 20 different hashes', () => {
    const hashes = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const first = runWorkload(seed);
      const second = runWorkload(seed);
      expect(second.hash).toBe(first.hash);
      expect(second.deliveries).toBe(first.deliveries);
      expect(first.deliveries).toBeGreaterThan(100); // the workload really ran
      expect(first.hash).toMatch(/^[0-9a-f]{16}$/);
      hashes.add(first.hash);
    }
    expect(hashes.size).toBe(20);
  });

  it('node random streams depend on seed and id only, not on the order nodes were added', () => {
    const draw = (order: string[]) => {
      const net = new SimNetwork({ seed: 9 });
      for (const id of order) net.addNode(id);
      return Object.fromEntries(order.map((id) => [id, net.node(id).random.nextU32()]));
    };
    expect(draw(['x', 'y', 'z'])).toEqual(draw(['z', 'x', 'y']));
    const other = new SimNetwork({ seed: 10 });
    other.addNode('x');
    expect(other.node('x').random.nextU32()).not.toBe(draw(['x'])['x']);
  });

  it('the trace hash changes when the workload changes by one frame', () => {
    const run = (extra: boolean) => {
      const net = new SimNetwork({ seed: 1 });
      net.addNode('a');
      net.addNode('b');
      const conns: Connection[] = [];
      net.node('a').transport.on('connection', (c) => conns.push(c));
      net.connect('a', 'b');
      net.runFor(100);
      conns[0]?.send(encode('one'));
      if (extra) conns[0]?.send(encode('two'));
      net.runFor(100);
      return net.traceHash();
    };
    expect(run(false)).toBe(run(false));
    expect(run(true)).not.toBe(run(false));
  });
});
