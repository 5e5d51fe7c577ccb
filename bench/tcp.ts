/**
 * TCP relay throughput of 5 Node server peers on 127.0.0.1, meshcast against js-libp2p gossipsub and a raw
 * relay with no protocol (the machine's limit), on the same topology in the same run.
 * `npm run bench -- tcp [--nodes=5] [--bytes=1024] [--window=256] [--warmup=120000] [--messages=100000]
 * [--seconds=5] [--publishers=1] [--variants=flood,tree] [--rounds=3]`
 *
 * Fairness: each implementation runs in a fresh child process (clean heap, nothing left over from the
 * previous one) holding all of its nodes, so each gets the same one event loop; the harness
 * (lib/tcp-harness.ts) drives and measures all of them identically: a ring plus chords, 1 KiB incompressible
 * payloads published from node 0 under an end-to-end window of `window` messages not yet delivered
 * everywhere, probe → warm-up → a measured phase bounded by `messages` and `seconds`, and wire bytes counted
 * at the socket (every byte written to TCP by every node, control traffic included) per delivery.
 *
 * meshcast runs with its default relay mode (the headline figures and ratios); the variants re-run it with
 * `flood` (--mode=flood) and `tree` (--mode=gossip --floodHops=0: pure Plumtree), reported with their own
 * ratios. With --rounds=N every implementation runs N times, interleaved, and the round with the highest
 * throughput is kept (other processes on a shared machine only ever slow a run down); all rounds are listed.
 */
import { fileURLToPath } from 'node:url';
import { listFlag, numberFlag } from './lib/args.js';
import { runChildJson } from './lib/child-json.js';
import { ratio } from './lib/stats.js';

const CHILD = fileURLToPath(new URL('./lib/tcp-child.ts', import.meta.url));

const VARIANTS: Record<string, string[]> = {
  flood: ['--mode=flood'],
  tree: ['--mode=gossip', '--floodHops=0'],
};

interface Report {
  messagesPerSecond: number;
  wireBytesPerDelivery: number | null;
  latencyMs: { p50: number; p99: number };
  [key: string]: unknown;
}

function ratiosOf(m: Report, gossipsub: Report, raw: Report): Record<string, number | null> {
  return {
    throughputVsGossipsub: ratio(m.messagesPerSecond, gossipsub.messagesPerSecond),
    wireBytesVsGossipsub: ratio(m.wireBytesPerDelivery ?? undefined, gossipsub.wireBytesPerDelivery ?? undefined),
    throughputVsRaw: ratio(m.messagesPerSecond, raw.messagesPerSecond),
    latencyP50VsGossipsub: ratio(m.latencyMs.p50, gossipsub.latencyMs.p50),
  };
}

export async function run(args: string[]): Promise<object> {
  const passThrough = ['nodes', 'bytes', 'window', 'warmup', 'messages', 'seconds', 'publishers']
    .filter((name) => args.some((a) => a.startsWith(`--${name}=`)))
    .map((name) => args.find((a) => a.startsWith(`--${name}=`))!);
  const variants = listFlag(args, 'variants', Object.keys(VARIANTS));
  const rounds = numberFlag(args, 'rounds', 3);
  const jobs: Array<[string, string, string[]]> = [
    ['raw', 'raw', []],
    ['gossipsub', 'gossipsub', []],
    ['meshcast', 'meshcast', []],
    ...variants.map((v): [string, string, string[]] => {
      if (!VARIANTS[v]) throw new Error(`unknown variant ${v}; known: ${Object.keys(VARIANTS).join(', ')}`);
      return [`meshcast-${v}`, 'meshcast', VARIANTS[v]];
    }),
  ];
  const all: Record<string, Report[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [label, impl, extra] of jobs) {
      const report = (await runChildJson(CHILD, [impl, ...passThrough, ...extra], 180_000)) as Report;
      (all[label] ??= []).push(report);
    }
  }
  const best = (label: string): Report => all[label]!.reduce((a, b) => (b.messagesPerSecond > a.messagesPerSecond ? b : a));
  const raw = best('raw');
  const gossipsub = best('gossipsub');
  const meshcast = best('meshcast');
  const variantReports = Object.fromEntries(variants.map((v) => [v, best(`meshcast-${v}`)]));
  return {
    bench: 'tcp',
    options: { args: passThrough, variants, rounds },
    meshcast: { ...meshcast, variants: variantReports },
    anchor: { gossipsub, raw },
    ratios: {
      ...ratiosOf(meshcast, gossipsub, raw),
      byVariant: Object.fromEntries(variants.map((v) => [v, ratiosOf(variantReports[v]!, gossipsub, raw)])),
    },
    ...(rounds > 1 ? { rounds: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.map((x) => x.messagesPerSecond)])) } : {}),
  };
}
