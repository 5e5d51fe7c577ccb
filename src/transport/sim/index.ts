/**
 * The deterministic network simulator (see network.ts). Protocol code never imports this: it sees only
 * Clock, Random, Transport and Buggify from core/. Typical test:
 *
 *   const net = new SimNetwork({ seed, latencyMs: 20, jitterMs: 5, loss: 0.01 });
 *   for (const id of ids) net.addNode(id, (node) => startProtocol(node.clock, node.random, node.transport, node.buggify, node.store));
 *   net.connect('a', 'b');                        // a dials b; both transports emit 'connection'
 *   net.runFor(1000);                             // virtual ms
 *   net.partition(['a'], ['b']); net.runFor(5000); net.heal();
 *   net.crash('b'); net.restart('b');             // restart re-runs the boot function; store survives
 *   expect(net.runUntil(() => converged(), 60_000)).toBe(true);
 *   net.traceHash(); net.faults(); net.stats();
 *
 * Files: network.ts (public API, faults) → kernel.ts (what events mean) → scheduler.ts + calendar-queue.ts
 * + event-queue.ts (virtual time); connection.ts / transport.ts / clock.ts / node.ts (what a node sees);
 * link.ts (latency, bandwidth), trace.ts (hash), buggify.ts, faults.ts (partitions), stats.ts, limits.ts
 * (every default); topology.ts and flood-workload.ts are helpers for tests and benches.
 */
export { SimNetwork } from './network.js';
export { randomRegularishGraph } from './topology.js';
export * from './limits.js';
export type {
  BootFn,
  FaultEvent,
  FaultType,
  JitterDistribution,
  LinkOptions,
  SimNetworkOptions,
  SimNode,
  SimNodeOptions,
  SimStats,
  SimStore,
  TraceEntry,
  TraceEntryType,
} from './types.js';
export { FloodPeer, FloodSeenTable, floodFrame, floodFrameId, FLOOD_FRAME_BYTES } from './flood-workload.js';
