/**
 * Signaling servers under load on loopback: meshcast's signaling server against y-webrtc's bin/server.js.
 * `npm run bench -- signaling [--clients=1000,5000] [--room=10] [--window=1000] [--signals=60000]
 * [--seconds=6] [--bytes=600] [--concurrency=200] [--warmup=100] [--memoryRounds=3]`
 *
 * For each client count and each server, in this order (meshcast then y-webrtc, so both see the same
 * machine state): a fresh server in a child process (its memory is its own) under plain `node` —
 * meshcast's compiled to JavaScript first (lib/signaling-build.ts says why not tsx) — then
 * 0. warm-up: `warmup` clients join (rooms of `room`), each sends one signal, and all leave, so that code
 *    the server runs for its first clients (binary pages read in, functions compiled: ~4 MiB, a one-off)
 *    is not counted per connection — the same round for both servers;
 * 1. joins: `clients` WebSocket clients (this process, 127.0.0.1, at most `concurrency` joins in flight)
 *    join rooms of `room` — joins per second from the first connect to the last acknowledgement;
 * 2. memory: the server's RSS (and heap + external) after two GCs, after the warm-up and after all joined —
 *    the delta per connection; steps 0–2 run `memoryRounds` times, a fresh server of each kind per round
 *    (alternating), and each figure is the median of the rounds;
 * 3. relay (in the first round): randomly chosen clients send `bytes`-byte signals to another member of
 *    their room, closed loop with at most `window` signals in flight, up to `signals` signals or `seconds`
 *    seconds. A signal counts
 *    as relayed when it reaches its target; latency is send → arrival at the target (one clock: both ends are
 *    in this process).
 *
 * "Equivalent workload": one WebRTC signal from A to B. meshcast's server sends it to B only; y-webrtc's
 * protocol has no addressed message, so (as y-webrtc's own client does) it is published to the room and the
 * server writes it to every subscriber, the sender included. Both count one relayed signal per signal that
 * reached its target (`relayedPerSecond`, the ratio's basis); `deliveriesPerSecond` counts every message the
 * server wrote to a client, to show the fan-out y-webrtc pays.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { SeededRandom } from '../src/core/random.js';
import { listFlag, numberFlag } from './lib/args.js';
import { ServerProcess, type MemorySample } from './lib/server-process.js';
import { compileForNode } from './lib/signaling-build.js';
import { meshcastProtocol, yWebrtcProtocol, type SignalingBenchClient, type SignalingProtocol } from './lib/signaling-clients.js';
import { latencySummary, ratio, round, sleep } from './lib/stats.js';

interface Options {
  room: number;
  window: number;
  signals: number;
  seconds: number;
  bytes: number;
  concurrency: number;
  warmup: number;
  memoryRounds: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const MESHCAST_SERVER = join(here, 'lib', 'signaling-meshcast-server.ts');
// y-webrtc's package exports neither bin/ nor package.json: its installed path is the one npm gives it.
const Y_WEBRTC_SERVER = join(here, '..', 'node_modules', 'y-webrtc', 'bin', 'server.js');

let meshcastCompiled: Promise<string> | undefined;

async function startServer(protocol: SignalingProtocol): Promise<ServerProcess> {
  const script = protocol.name === 'meshcast' ? await (meshcastCompiled ??= compileForNode(MESHCAST_SERVER)) : Y_WEBRTC_SERVER;
  return ServerProcess.start(script, { useTsx: false });
}

/** Step 0: `count` clients join, each signals a neighbour once, and all leave again. */
async function warmUp(protocol: SignalingProtocol, url: string, count: number, o: Options): Promise<void> {
  const clients: SignalingBenchClient[] = new Array(count);
  let arrived = 0;
  const handlers = { onSignal: () => void arrived++, onDelivery: () => {} };
  try {
    await pool(count, o.concurrency, async (i) => {
      clients[i] = await protocol.join(url, `warm${Math.floor(i / o.room)}`, `w${i}`, handlers);
    });
    let expected = 0;
    for (let i = 0; i < count; i++) {
      const roomStart = i - (i % o.room);
      const roomSize = Math.min(o.room, count - roomStart);
      if (roomSize < 2) continue;
      clients[i]!.send(`w${roomStart + ((i - roomStart + 1) % roomSize)}`, 'warm-up');
      expected++;
    }
    for (let waited = 0; arrived < expected && waited < 5_000; waited += 20) await sleep(20);
  } finally {
    for (const c of clients) c?.close();
  }
  await sleep(500); // the server sees the closes
}

/** Runs `task(i)` for i in [0, count) with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

function perConnection(
  before: MemorySample,
  after: MemorySample,
  clients: number,
): { rssBytes: number; rssWithoutYoungBytes: number; heapBytes: number } {
  return {
    rssBytes: round((after.rss - before.rss) / clients, 0),
    rssWithoutYoungBytes: round((after.rss - after.youngBytes - (before.rss - before.youngBytes)) / clients, 0),
    heapBytes: round((after.heapUsed + after.external - before.heapUsed - before.external) / clients, 0),
  };
}

/** One fresh server: joins and memory, then (with `withRelay`) the relay phase. */
async function measure(protocol: SignalingProtocol, clientCount: number, o: Options, withRelay: boolean): Promise<Record<string, unknown>> {
  const server = await startServer(protocol);
  const clients: SignalingBenchClient[] = new Array(clientCount);
  try {
    const url = `ws://127.0.0.1:${server.port}/`;
    if (o.warmup > 0) await warmUp(protocol, url, o.warmup, o);
    const memBefore = await server.memory();
    const sentAt = new Float64Array(o.signals);
    const arrived = new Uint8Array(o.signals);
    const latencies: number[] = [];
    let deliveries = 0;
    let relayed = 0;
    let inFlight = 0;
    let wrongTarget = 0;
    const onSignal = (data: string): void => {
      const seq = Number.parseInt(data, 10);
      if (!(seq >= 0 && seq < o.signals) || arrived[seq]) return void wrongTarget++;
      arrived[seq] = 1;
      latencies.push(performance.now() - sentAt[seq]!);
      relayed++;
      inFlight--;
      schedulePump();
    };

    // 1. joins
    const joinStart = performance.now();
    await pool(clientCount, o.concurrency, async (i) => {
      clients[i] = await protocol.join(url, `room${Math.floor(i / o.room)}`, `c${i}`, {
        onSignal,
        onDelivery: () => deliveries++,
      });
    });
    const joinSeconds = (performance.now() - joinStart) / 1000;

    // 2. memory with every client joined
    await sleep(300);
    const memAfter = await server.memory();
    const memory = {
      memoryPerConnection: perConnection(memBefore, memAfter, clientCount),
      serverRssMiB: { before: round(memBefore.rss / 2 ** 20, 1), after: round(memAfter.rss / 2 ** 20, 1) },
    };
    if (!withRelay) return { clients: clientCount, joinsPerSecond: round(clientCount / joinSeconds, 1), ...memory };

    // 3. relay
    const random = new SeededRandom(clientCount);
    const padding = 'x'.repeat(Math.max(0, o.bytes - 8));
    let sent = 0;
    let deadline = 0;
    let pumpScheduled = false;
    let finish: () => void = () => {};
    function pump(): void {
      pumpScheduled = false;
      while (inFlight < o.window && sent < o.signals && performance.now() < deadline) {
        const from = random.int(clientCount);
        const roomStart = from - (from % o.room);
        const roomSize = Math.min(o.room, clientCount - roomStart);
        const offset = 1 + random.int(roomSize - 1);
        const to = roomStart + ((from - roomStart + offset) % roomSize);
        const seq = sent++;
        sentAt[seq] = performance.now();
        inFlight++;
        clients[from]!.send(`c${to}`, `${seq} ${padding}`);
      }
      if ((sent >= o.signals || performance.now() >= deadline) && inFlight === 0) finish();
    }
    function schedulePump(): void {
      if (pumpScheduled) return;
      pumpScheduled = true;
      setImmediate(pump);
    }
    const deliveriesBefore = deliveries;
    const cpuBefore = server.cpuMs();
    const relayStart = performance.now();
    deadline = relayStart + o.seconds * 1000;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const ticker = setInterval(schedulePump, 50);
    schedulePump();
    await Promise.race([done, sleep(o.seconds * 1000 + 5000)]);
    clearInterval(ticker);
    const relaySeconds = (performance.now() - relayStart) / 1000;
    const cpuAfter = server.cpuMs();
    const serverCpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;

    return {
      clients: clientCount,
      joinsPerSecond: round(clientCount / joinSeconds, 1),
      joinSeconds: round(joinSeconds, 3),
      relayedPerSecond: round(relayed / relaySeconds, 1),
      signalsSent: sent,
      signalsRelayed: relayed,
      signalsLost: sent - relayed,
      deliveriesPerSecond: round((deliveries - deliveriesBefore) / relaySeconds, 1),
      relayLatencyMs: latencySummary(latencies),
      ...memory,
      serverCpuMsPerThousandSignals: serverCpuMs === null || relayed === 0 ? null : round((serverCpuMs * 1000) / relayed, 1),
      unexpectedSignals: wrongTarget,
    };
  } finally {
    for (const c of clients) c?.close();
    await server.stop();
  }
}

type MemoryFigures = { rssBytes: number; rssWithoutYoungBytes: number; heapBytes: number };

/**
 * The first round's report (it ran the relay) with each memory figure replaced by its median over the
 * rounds: one RSS delta at 1,000 clients is a few MB, and the young generation and malloc move by that
 * much from one process to the next. Every round's figures stay listed under `memoryRounds`.
 */
function withMedianMemory(rounds: Array<Record<string, unknown>>): Record<string, unknown> {
  const figures = rounds.map((r) => r.memoryPerConnection as MemoryFigures);
  const median = (key: keyof MemoryFigures): number => {
    const sorted = figures.map((f) => f[key]).sort((x, y) => x - y);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  return {
    ...rounds[0],
    memoryPerConnection: { rssBytes: median('rssBytes'), rssWithoutYoungBytes: median('rssWithoutYoungBytes'), heapBytes: median('heapBytes') },
    ...(rounds.length > 1 ? { memoryRounds: figures } : {}),
  };
}

export async function run(args: string[]): Promise<object> {
  const scales = listFlag(args, 'clients', ['1000', '5000']).map(Number);
  const o: Options = {
    room: numberFlag(args, 'room', 10),
    window: numberFlag(args, 'window', 1000),
    signals: numberFlag(args, 'signals', 60_000),
    seconds: numberFlag(args, 'seconds', 6),
    bytes: numberFlag(args, 'bytes', 600),
    concurrency: numberFlag(args, 'concurrency', 200),
    warmup: numberFlag(args, 'warmup', 100),
    memoryRounds: numberFlag(args, 'memoryRounds', 3),
  };
  const meshcast: Record<string, Record<string, unknown>> = {};
  const anchor: Record<string, Record<string, unknown>> = {};
  const byClients: Record<string, object> = {};
  const servers = listFlag(args, 'servers', ['meshcast', 'y-webrtc']);
  for (const n of scales) {
    // Memory rounds alternate the servers, each round a fresh process of each; the relay runs in the first.
    const rounds: Record<string, Array<Record<string, unknown>>> = { meshcast: [], 'y-webrtc': [] };
    for (let r = 0; r < Math.max(1, o.memoryRounds); r++) {
      if (servers.includes('meshcast')) rounds.meshcast!.push(await measure(meshcastProtocol, n, o, r === 0));
      if (servers.includes('y-webrtc')) rounds['y-webrtc']!.push(await measure(yWebrtcProtocol, n, o, r === 0));
    }
    if (rounds.meshcast!.length > 0) meshcast[n] = withMedianMemory(rounds.meshcast!);
    if (rounds['y-webrtc']!.length > 0) anchor[n] = withMedianMemory(rounds['y-webrtc']!);
    if (!meshcast[n] || !anchor[n]) continue;
    const m = meshcast[n] as {
      relayedPerSecond: number;
      memoryPerConnection: { rssBytes: number; rssWithoutYoungBytes: number; heapBytes: number };
      serverCpuMsPerThousandSignals: number | null;
    };
    const a = anchor[n] as typeof m;
    byClients[n] = {
      relayedPerSecVsYWebrtc: ratio(m.relayedPerSecond, a.relayedPerSecond),
      memoryPerConnVsYWebrtc: ratio(m.memoryPerConnection.rssBytes, a.memoryPerConnection.rssBytes),
      heapPerConnVsYWebrtc: ratio(m.memoryPerConnection.heapBytes, a.memoryPerConnection.heapBytes),
      rssWithoutYoungPerConnVsYWebrtc: ratio(m.memoryPerConnection.rssWithoutYoungBytes, a.memoryPerConnection.rssWithoutYoungBytes),
      serverCpuPerSignalVsYWebrtc: ratio(m.serverCpuMsPerThousandSignals ?? undefined, a.serverCpuMsPerThousandSignals ?? undefined),
    };
  }
  const largest = String(Math.max(...scales));
  const headline = (byClients[largest] ?? {}) as { relayedPerSecVsYWebrtc: number | null; memoryPerConnVsYWebrtc: number | null };
  return {
    bench: 'signaling',
    options: { ...o, clients: scales },
    meshcast,
    anchor: { name: 'y-webrtc bin/server.js', ...anchor },
    ratios: {
      relayedPerSecVsYWebrtc: headline.relayedPerSecVsYWebrtc,
      memoryPerConnVsYWebrtc: headline.memoryPerConnVsYWebrtc,
      at: `${largest} clients`,
      byClients,
    },
  };
}
