/**
 * sim-scale: the simulator's throughput and memory at mesh scale. Builds a random connected graph of N
 * nodes (ring + random chords, average degree D) on SimNetwork, floods 100 messages through it with a
 * minimal flood over the Transport interface, and reports deliveries per wall-clock second, the peak
 * heap and the trace hash (same seed → same hash). wallMs and cpuMs cover the whole run: building the
 * mesh (N nodes, about N·D/2 dials) and the floods. cpuMs is this process's CPU time — on a machine
 * shared with other jobs it shows what wall time hides (deliveriesPerCpuSec).
 *
 *   npm run bench -- sim-scale [--nodes N] [--degree D] [--seed S] [--messages M]
 */
import { SeededRandom } from '../src/core/random.js';
import { FloodPeer, FloodSeenTable, SimNetwork, randomRegularishGraph } from '../src/transport/sim/index.js';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
}

/** Gap between message injections (virtual ms): floods overlap, as in a busy mesh. */
const INJECT_EVERY_MS = 10;
/** Virtual time allowed for the mesh to connect and for the floods to finish. */
const SETTLE_LIMIT_MS = 60_000;
/** Events between heap samples. */
const SAMPLE_EVERY = 50_000;

export async function run(args: string[]): Promise<object> {
  const nodes = flag(args, 'nodes', 10_000);
  const degree = flag(args, 'degree', 8);
  const seed = flag(args, 'seed', 1);
  const messages = flag(args, 'messages', 100);

  let peakHeap = process.memoryUsage().heapUsed;
  const sampleHeap = () => {
    const used = process.memoryUsage().heapUsed;
    if (used > peakHeap) peakHeap = used;
  };

  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const net = new SimNetwork({ seed, traceKeep: 1000 });
  const peers: FloodPeer[] = [];
  const seen = new FloodSeenTable(nodes, messages);
  for (let i = 0; i < nodes; i++) net.addNode(`n${i}`, (node) => void (peers[i] = new FloodPeer(node.transport, { table: seen, slot: i })));
  const graph = randomRegularishGraph(nodes, degree, new SeededRandom(`${seed}/graph`));
  let edges = 0;
  graph.forEach((neighbours, i) => {
    for (const j of neighbours) {
      if (i < j) {
        net.connect(`n${i}`, `n${j}`);
        edges++;
      }
    }
  });
  // Run until nothing is pending (the flood has no timers, so the queue drains), sampling the heap.
  let events = 0;
  const drain = () => {
    const limit = net.now() + SETTLE_LIMIT_MS;
    while (net.now() <= limit && net.step()) if (++events % SAMPLE_EVERY === 0) sampleHeap();
  };
  drain();
  const pick = new SeededRandom(`${seed}/origins`);
  for (let m = 0; m < messages; m++) {
    const origin = peers[pick.int(nodes)] as FloodPeer;
    net.schedule(m * INJECT_EVERY_MS, () => origin.originate(m));
  }
  drain();
  sampleHeap();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const stats = net.stats();
  const reached = peers.reduce((sum, p) => sum + p.seenCount, 0);
  return {
    bench: 'sim-scale',
    nodes,
    degree,
    seed,
    edges,
    messages,
    deliveries: stats.deliveries,
    coverage: reached / (nodes * messages),
    events: stats.eventsProcessed,
    virtualMs: Math.round(stats.now),
    wallMs: Math.round(wallMs),
    deliveriesPerSec: Math.round(stats.deliveries / (wallMs / 1000)),
    // CPU time of this process: on a machine shared with other jobs, wall time overstates the cost.
    cpuMs: Math.round(cpuMs),
    deliveriesPerCpuSec: Math.round(stats.deliveries / (cpuMs / 1000)),
    heapMB: Math.round(peakHeap / (1024 * 1024)),
    traceHash: net.traceHash(),
  };
}
