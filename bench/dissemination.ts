/**
 * dissemination: the four relay modes over the same simulated graph and seed. 100 broadcasts of 1 KiB
 * payloads from random live origins, one every SPACING_MS of virtual time, then SETTLE_MS for repair.
 * With --crash F, a fraction F of the nodes crashes (and stays down) during the middle third of the run.
 *
 *   npm run bench -- dissemination [--nodes N] [--degree D] [--loss P] [--crash F] [--seed S]
 *                                  [--messages M] [--spacing MS] [--settle MS] [--payload BYTES]
 *                                  [--critical FRACTION]   (share of broadcasts with priority 'critical'; default 0)
 *
 * Per mode:
 *   delivery      delivered (live node, message) pairs / all such pairs (origins excluded)
 *   rmr           per message, payload copies received / nodes that delivered it − 1; mean over messages
 *   controlRatio  encoded bytes of non-msg relay frames / encoded bytes of msg frames (all sent)
 *   ldh           per message, the largest hop count at delivery; mean over messages
 *   p50LatencyMs, p99LatencyMs   publish → delivery, virtual time, over delivered live pairs
 */
import { SeededRandom } from '../src/core/random.js';
import { RELAY_MODES } from '../src/wire/frames.js';
import type { PeerId, RelayMode } from '../src/wire/frames.js';
import { RelayMesh } from '../test/helpers/relay-harness.js';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
}

export interface ModeResult {
  delivery: number;
  rmr: number;
  controlRatio: number;
  ldh: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  /** (live node, message) pairs delivered more than once: must be 0. */
  duplicateDeliveries: number;
  payloadBytes: number;
  controlBytes: number;
  wallMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] as number;
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

interface Settings {
  nodes: number;
  degree: number;
  loss: number;
  crash: number;
  seed: number;
  messages: number;
  spacing: number;
  settle: number;
  payload: number;
  critical: number;
}

function runMode(mode: RelayMode, s: Settings): ModeResult {
  const started = performance.now();
  const mesh = new RelayMesh({ nodes: s.nodes, degree: s.degree, seed: s.seed, mode, loss: s.loss });
  // Same draws in every mode: victims, origins and payloads depend on the seed only.
  const random = new SeededRandom(s.seed).fork('dissemination');
  const victims: PeerId[] = [];
  const pool = mesh.ids.slice();
  const crashCount = Math.min(s.nodes - 1, Math.round(s.crash * s.nodes));
  for (let i = 0; i < crashCount; i++) victims.push(pool.splice(random.int(pool.length), 1)[0] as PeerId);
  const crashFrom = Math.floor(s.messages / 3);
  const crashSpan = Math.max(1, Math.floor(s.messages / 3));
  let crashed = 0;
  for (let m = 0; m < s.messages; m++) {
    if (m >= crashFrom && crashed < victims.length) {
      const due = Math.ceil(((m - crashFrom + 1) * victims.length) / crashSpan);
      while (crashed < Math.min(due, victims.length)) mesh.crash(victims[crashed++] as PeerId);
    }
    const live = mesh.live();
    const origin = live[random.int(live.length)] as PeerId;
    const critical = random.next() < s.critical;
    mesh.broadcast(origin, random.bytes(s.payload), critical ? 'critical' : 'normal');
    mesh.runFor(s.spacing);
  }
  while (crashed < victims.length) mesh.crash(victims[crashed++] as PeerId);
  mesh.runFor(s.settle);

  const live = mesh.live();
  let pairs = 0;
  let delivered = 0;
  let duplicates = 0;
  let rmrSum = 0;
  let ldhSum = 0;
  const latencies: number[] = [];
  for (const [key, { origin, at }] of mesh.published) {
    let receivers = 0;
    let lastHop = 0;
    for (const map of mesh.deliveries.values()) {
      const r = map.get(key);
      if (!r) continue;
      receivers++;
      lastHop = Math.max(lastHop, r.hops);
    }
    for (const node of live) {
      if (node === origin) continue;
      pairs++;
      const r = mesh.deliveries.get(node)?.get(key);
      if (!r) continue;
      delivered++;
      if (r.count > 1) duplicates++;
      latencies.push(r.at - at);
    }
    rmrSum += receivers > 0 ? (mesh.copies.get(key) ?? 0) / receivers - 1 : 0;
    ldhSum += lastHop;
  }
  latencies.sort((a, b) => a - b);
  const count = Math.max(1, mesh.published.size);
  return {
    delivery: round(pairs === 0 ? 1 : delivered / pairs, 6),
    rmr: round(rmrSum / count),
    controlRatio: round(mesh.payloadBytes === 0 ? 0 : mesh.controlBytes / mesh.payloadBytes),
    ldh: round(ldhSum / count, 3),
    p50LatencyMs: round(percentile(latencies, 0.5), 1),
    p99LatencyMs: round(percentile(latencies, 0.99), 1),
    duplicateDeliveries: duplicates,
    payloadBytes: mesh.payloadBytes,
    controlBytes: mesh.controlBytes,
    wallMs: Math.round(performance.now() - started),
  };
}

export async function run(args: string[]): Promise<object> {
  const settings: Settings = {
    nodes: flag(args, 'nodes', 1000),
    degree: flag(args, 'degree', 8),
    loss: flag(args, 'loss', 0),
    crash: flag(args, 'crash', 0),
    seed: flag(args, 'seed', 1),
    messages: flag(args, 'messages', 100),
    spacing: flag(args, 'spacing', 150),
    settle: flag(args, 'settle', 30_000),
    payload: flag(args, 'payload', 1024),
    critical: flag(args, 'critical', 0),
  };
  const modes = {} as Record<RelayMode, ModeResult>;
  for (const mode of RELAY_MODES) {
    modes[mode] = runMode(mode, settings);
    console.error(`dissemination ${mode}: ${JSON.stringify(modes[mode])}`);
  }
  return {
    bench: 'dissemination',
    nodes: settings.nodes,
    degree: settings.degree,
    loss: settings.loss,
    crash: settings.crash,
    seed: settings.seed,
    messages: settings.messages,
    payloadBytes: settings.payload,
    critical: settings.critical,
    modes,
  };
}
