import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { FloodPeer, SimNetwork, randomRegularishGraph } from '../../src/transport/sim/index.js';

describe('simulator at moderate scale', () => {
  it('a flood over 2,000 nodes reaches everyone with exactly 2E - n + 1 deliveries per message', () => {
    const n = 2000;
    const net = new SimNetwork({ seed: 2, traceKeep: 100 });
    const peers: FloodPeer[] = [];
    for (let i = 0; i < n; i++) net.addNode(`n${i}`, (node) => void (peers[i] = new FloodPeer(node.transport)));
    const graph = randomRegularishGraph(n, 6, new SeededRandom('scale'));
    let edges = 0;
    graph.forEach((nb, i) => nb.forEach((j) => i < j && (edges++, net.connect(`n${i}`, `n${j}`))));
    net.runFor(1000);
    expect(net.stats().connectionsOpened).toBe(edges);
    const messages = 5;
    for (let m = 0; m < messages; m++) net.schedule(m * 5, () => peers[(m * 397) % n]?.originate(m));
    net.runFor(5000);
    expect(peers.every((p) => p.seenCount === messages)).toBe(true);
    // Every node forwards to all neighbours but the one it first heard from; the origin to all.
    expect(net.stats().deliveries).toBe(messages * (2 * edges - n + 1));
    expect(net.pendingEvents).toBe(0);
  });
});
