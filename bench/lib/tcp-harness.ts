/**
 * The measurement harness of the `tcp` bench, shared by every implementation under test (meshcast, js-libp2p
 * gossipsub, the raw relay) so that all three are driven and measured the same way:
 *
 * - n nodes in this process, linked by the same edges;
 * - payloads of `bytes` bytes: a u32 sequence number, the publish time (f64, performance.now()) and random
 *   filler (incompressible, so no implementation is flattered by compression);
 * - publishing "at full speed" under an end-to-end window: at most `window` messages not yet delivered at
 *   every receiver; the next publish happens as soon as one completes (so every implementation's own
 *   buffering and backpressure is exercised, and none is allowed to queue without bound);
 * - phases: probe (one message at a time until a message reaches every node: the mesh is formed), warm-up
 *   (JIT), then the measured phase, bounded by a message count and a time limit;
 * - wire bytes: every byte written to a TCP socket in the process during the measured phase (SocketByteCounter),
 *   divided by the deliveries of that phase.
 */
import { randomBytes } from 'node:crypto';
import { latencySummary, round, sleep } from './stats.js';
import { SocketByteCounter } from './socket-bytes.js';

export type Edge = readonly [number, number];

/** What the harness needs from an implementation. */
export interface MeshUnderTest {
  readonly name: string;
  /** Starts `nodes` nodes linked by `edges` (a dials b); resolves once every link is connected. */
  start(nodes: number, edges: readonly Edge[], deliver: (node: number, payload: Uint8Array) => void): Promise<void>;
  /** Publishes one payload from node `from` (fire and forget: errors are the implementation's to count). */
  publish(from: number, payload: Uint8Array): void;
  /** Implementation-specific figures (stats, counters) for the report. */
  details?(): object;
  close(): Promise<void>;
}

/**
 * A ring 0-1-…-(n-1)-0 plus chords i—i+2 for i = 1…n-3. The chords never touch node 0 (the publisher), so
 * relaying matters: with 5 nodes the chords are 1—3 and 2—4, node 0 has degree 2, the others degree 3, and
 * the diameter is 2.
 */
export function ringWithChords(n: number): Edge[] {
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++) edges.push([i, (i + 1) % n]);
  for (let i = 1; i + 2 < n; i++) edges.push([i, i + 2]);
  return dedupeEdges(edges);
}

function dedupeEdges(edges: Edge[]): Edge[] {
  const seen = new Set<string>();
  return edges.filter(([a, b]) => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface TcpRunOptions {
  nodes: number;
  bytes: number;
  window: number;
  warmup: number;
  messages: number;
  seconds: number;
  /** Publishers are nodes 0..publishers-1, in turn. */
  publishers: number;
}

const HEADER_BYTES = 12;

interface Phase {
  firstSeq: number;
  endSeq: number;
  deadline: number;
}

export async function measureTcp(impl: MeshUnderTest, options: TcpRunOptions): Promise<object> {
  const { nodes, bytes, window } = options;
  if (bytes < HEADER_BYTES) throw new Error(`--bytes must be at least ${HEADER_BYTES}`);
  const receivers = nodes - 1;
  const maxSeq = 1 + 1000 + options.warmup + options.messages; // probes are bounded by the probe time-out
  const arrivals = new Uint8Array(maxSeq);
  const publishedAt = new Float64Array(maxSeq);
  const completedAt = new Float64Array(maxSeq);
  const deliveredByNode = new Float64Array(nodes);
  const filler = randomBytes(Math.max(0, bytes - HEADER_BYTES));
  let duplicates = 0;
  let strays = 0;
  /** Published in the current phase and not yet delivered at every receiver. */
  let inFlight = 0;
  let completedInPhase = 0;
  let nextSeq = 0;
  let phase: Phase = { firstSeq: 0, endSeq: 0, deadline: 0 };
  let wake: (() => void) | null = null;
  let pumpScheduled = false;
  const seenAt: Uint8Array[] = Array.from({ length: nodes }, () => new Uint8Array(maxSeq));

  const deliver = (node: number, payload: Uint8Array): void => {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    if (payload.byteLength < HEADER_BYTES) return void strays++;
    const seq = view.getUint32(0);
    if (seq >= nextSeq) return void strays++;
    if (seenAt[node]![seq]) return void duplicates++;
    seenAt[node]![seq] = 1;
    if (seq >= phase.firstSeq) deliveredByNode[node]!++;
    if (++arrivals[seq]! === receivers) {
      completedAt[seq] = performance.now();
      if (seq >= phase.firstSeq) {
        inFlight--;
        completedInPhase++;
        schedulePump();
      }
    }
  };

  const publishOne = (): void => {
    const seq = nextSeq++;
    const payload = new Uint8Array(bytes);
    const view = new DataView(payload.buffer);
    view.setUint32(0, seq);
    const now = performance.now();
    view.setFloat64(4, now);
    payload.set(filler, HEADER_BYTES);
    publishedAt[seq] = now;
    inFlight++;
    impl.publish(seq % options.publishers, payload);
  };

  const pump = (): void => {
    pumpScheduled = false;
    while (inFlight < window && nextSeq < phase.endSeq && performance.now() < phase.deadline) publishOne();
    const publishingOver = nextSeq >= phase.endSeq || performance.now() >= phase.deadline;
    if (wake && publishingOver && completedInPhase === nextSeq - phase.firstSeq) {
      const w = wake;
      wake = null;
      w();
    }
  };
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(pump);
  }

  /** Publishes up to `count` messages (window-bounded) for at most `ms`, then waits `drainMs` for stragglers. */
  const runPhase = async (count: number, ms: number, drainMs: number): Promise<Phase> => {
    phase = { firstSeq: nextSeq, endSeq: nextSeq + count, deadline: performance.now() + ms };
    inFlight = 0;
    completedInPhase = 0;
    const done = new Promise<void>((resolve) => (wake = resolve));
    // Re-check periodically: a lost message would otherwise hold the window (and the phase) forever.
    const ticker = setInterval(() => {
      if (performance.now() >= phase.deadline) schedulePump();
    }, 20);
    schedulePump();
    await Promise.race([done, sleep(ms + drainMs)]);
    clearInterval(ticker);
    wake = null;
    phase.endSeq = nextSeq;
    return phase;
  };

  const startMs = performance.now();
  await impl.start(nodes, ringWithChords(nodes), deliver);
  const startupMs = performance.now() - startMs;

  // Probe: one message at a time until one reaches every receiver (gossipsub builds its mesh on heartbeats).
  const probeDeadline = performance.now() + 20_000;
  let meshReady = false;
  while (!meshReady && performance.now() < probeDeadline && nextSeq < 1000) {
    const probe = await runPhase(1, 250, 0);
    meshReady = arrivals[probe.firstSeq] === receivers;
  }
  if (!meshReady) throw new Error(`${impl.name}: no probe message reached all ${receivers} receivers within 20 s`);
  const meshReadyMs = performance.now() - startMs;

  await runPhase(options.warmup, options.seconds * 1000, 2000);
  deliveredByNode.fill(0);

  const counter = bytesCounter;
  const bytesBefore = counter.bytesWritten();
  const measured = await runPhase(options.messages, options.seconds * 1000, 3000);
  const bytesAfter = counter.bytesWritten();

  const latencies: number[] = [];
  let lastCompletion = measured.deadline;
  let completed = 0;
  for (let s = measured.firstSeq; s < measured.endSeq; s++) {
    if (arrivals[s] === receivers) {
      completed++;
      latencies.push(completedAt[s]! - publishedAt[s]!);
      lastCompletion = completed === 1 ? completedAt[s]! : Math.max(lastCompletion, completedAt[s]!);
    }
  }
  const published = measured.endSeq - measured.firstSeq;
  const elapsedS = (lastCompletion - publishedAt[measured.firstSeq]!) / 1000;
  let deliveries = 0;
  for (let i = 0; i < nodes; i++) deliveries += deliveredByNode[i]!;
  const details = impl.details?.() ?? {};
  await impl.close();

  return {
    implementation: impl.name,
    published,
    completed,
    lost: published - completed,
    elapsedSeconds: round(elapsedS, 3),
    /** Messages per second that reached every receiver. */
    messagesPerSecond: round(completed / elapsedS, 1),
    deliveredPerSecondByPeer: Array.from(deliveredByNode, (d) => round(d / elapsedS, 1)),
    latencyMs: latencySummary(latencies),
    wireBytesPerDelivery: deliveries ? round((bytesAfter - bytesBefore) / deliveries, 1) : null,
    wireBytes: bytesAfter - bytesBefore,
    deliveries,
    duplicateDeliveries: duplicates,
    strayDeliveries: strays,
    startupMs: round(startupMs, 1),
    meshReadyMs: round(meshReadyMs, 1),
    details,
  };
}

/** One counter per process, created before any socket so that every socket is seen. */
const bytesCounter = new SocketByteCounter();
