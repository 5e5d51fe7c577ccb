/**
 * failure-detection: how fast PeerManagers notice dead neighbours, and at what cost, in the simulator.
 *
 *   npm run bench -- failure-detection [--nodes N] [--loss P] [--preset NAME] [--seed S] [--minutes M]
 *
 * N nodes (default 100) on links losing P of all frames (default 0.05), every node told about every
 * other (as signaling does), config presets[NAME] (default fastDetection). After a warm-up, 5% of the
 * nodes freeze (a hung process: no EOF, nothing answers) and another 5% crash (their connections see
 * EOF). The run lasts a simulated hour (--minutes to change).
 *
 * - frozenDetectionP99Ms / eofDetectionP99Ms: per faulty node, the time from the fault to the first
 *   live neighbour marking it down or failed; p99 over the faulty nodes. (…AllNeighboursP99Ms: the same
 *   over every (neighbour, faulty node) pair that had a connection at the fault.)
 * - falsePositives: peer:down / peer:failed events about a node that was healthy at the time.
 * - controlMsgsPerNodePerSec: every frame the PeerManagers sent (hello, ping, pong, peers, neighbor,
 *   query, answer, bye), per node per simulated second, over the whole run.
 */
import { SeededRandom, sample } from '../src/core/random.js';
import { PeerManager, presets, type PresetName } from '../src/peers/index.js';
import { SimNetwork } from '../src/transport/sim/index.js';
import type { PeerId } from '../src/wire/frames.js';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function num(args: string[], name: string, fallback: number): number {
  const v = Number(flag(args, name));
  return Number.isFinite(v) ? v : fallback;
}

function p99(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] as number);
}

/** Virtual time for the overlay to form before the faults. */
const WARMUP_MS = 60_000;
const FAULT_FRACTION = 0.05;

export async function run(args: string[]): Promise<object> {
  const nodes = num(args, 'nodes', 100);
  const loss = num(args, 'loss', 0.05);
  const seed = num(args, 'seed', 1);
  const minutes = num(args, 'minutes', 60);
  const presetName = (flag(args, 'preset') ?? 'fastDetection') as PresetName;
  const preset = presets[presetName];
  if (preset === undefined) throw new Error(`unknown preset ${presetName}; one of ${Object.keys(presets).join(', ')}`);
  const durationMs = minutes * 60_000;
  const started = performance.now();

  const net = new SimNetwork({ seed, loss, traceKeep: 0 });
  const ids: PeerId[] = Array.from({ length: nodes }, (_, i) => `n${String(i).padStart(4, '0')}`);
  const pms = new Map<PeerId, PeerManager>();
  /** Fault time per faulty node, and which kind. */
  const faultAt = new Map<PeerId, { at: number; kind: 'frozen' | 'eof'; neighbours: PeerId[] }>();
  const firstDetection = new Map<PeerId, number>();
  const pairDetections: Record<'frozen' | 'eof', number[]> = { frozen: [], eof: [] };
  const detectedPairs = new Set<string>();
  let falsePositives = 0;

  for (const id of ids) {
    net.addNode(id, (node) => {
      const pm = new PeerManager({
        localId: id,
        role: 'browser',
        clock: node.clock,
        random: node.random,
        transport: node.transport,
        config: preset,
      });
      const onDetect = (peer: PeerId): void => {
        const fault = faultAt.get(peer);
        if (fault === undefined) {
          falsePositives++;
          return;
        }
        const delay = net.now() - fault.at;
        if (!firstDetection.has(peer)) firstDetection.set(peer, delay);
        const pair = `${id}>${peer}`;
        if (fault.neighbours.includes(id) && !detectedPairs.has(pair)) {
          detectedPairs.add(pair);
          pairDetections[fault.kind].push(delay);
        }
      };
      pm.on('peer:down', onDetect);
      pm.on('peer:failed', onDetect);
      pms.set(id, pm);
    });
  }
  for (const id of ids) {
    const pm = pms.get(id) as PeerManager;
    for (const other of ids) if (other !== id) pm.addKnownPeer({ id: other, role: 'browser' });
    pm.start();
  }
  net.runFor(WARMUP_MS);

  const pick = new SeededRandom(`${seed}/faults`);
  const faultCount = Math.max(1, Math.round(nodes * FAULT_FRACTION));
  const faulty = sample(ids, faultCount * 2, pick);
  const frozen = faulty.slice(0, faultCount);
  const crashed = faulty.slice(faultCount);
  const now = net.now();
  for (const id of frozen) {
    faultAt.set(id, { at: now, kind: 'frozen', neighbours: (pms.get(id) as PeerManager).connectedPeers() });
    net.freeze(id, durationMs);
  }
  for (const id of crashed) {
    faultAt.set(id, { at: now, kind: 'eof', neighbours: (pms.get(id) as PeerManager).connectedPeers() });
    net.crash(id);
  }
  net.runFor(Math.max(0, durationMs - WARMUP_MS));

  let framesSent = 0;
  for (const pm of pms.values()) framesSent += pm.stats().counters.framesSent;
  const activeSizes = ids.filter((id) => !faultAt.has(id)).map((id) => (pms.get(id) as PeerManager).connectedPeers().length);
  const detections = (kind: 'frozen' | 'eof'): number[] =>
    [...faultAt].filter(([, f]) => f.kind === kind).map(([id]) => firstDetection.get(id) ?? Infinity);
  const frozenFirst = detections('frozen');
  const eofFirst = detections('eof');
  return {
    bench: 'failure-detection',
    nodes,
    preset: presetName,
    loss,
    seed,
    frozenDetectionP99Ms: p99(frozenFirst),
    eofDetectionP99Ms: p99(eofFirst),
    falsePositives,
    controlMsgsPerNodePerSec: Math.round((framesSent / nodes / (durationMs / 1000)) * 100) / 100,
    frozenDetectionAllNeighboursP99Ms: p99(pairDetections.frozen),
    eofDetectionAllNeighboursP99Ms: p99(pairDetections.eof),
    undetected: [...frozenFirst, ...eofFirst].filter((d) => !Number.isFinite(d)).length,
    meanActiveView: Math.round((activeSizes.reduce((a, b) => a + b, 0) / Math.max(1, activeSizes.length)) * 10) / 10,
    simulatedMinutes: minutes,
    wallMs: Math.round(performance.now() - started),
  };
}
