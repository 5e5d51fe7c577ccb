/**
 * Two Chromium tabs, a raw RTCDataChannel against meshcast over WebRTC (createMeshNode from the browser
 * entry, simple-peer's browser bundle, signaling through a meshcast signaling server started here).
 * `npm run bench -- browser [--size=65536] [--count=400] [--window=16] [--seconds=10] [--pings=300]
 * [--pingWarmup=30] [--pingBytes=100] [--mode=RELAY_MODE] [--variants=flood] [--rounds=3]`
 *
 * The page (bench/browser/page.ts, bundled with vite's build API into a temporary directory and served from
 * 127.0.0.1) runs the same measurement code over both links:
 * - throughput: tab A sends `count` messages of `size` bytes (at most `window` unacknowledged; tab B acks
 *   each one over the same link), bounded by `seconds`; MiB/s from the first send to the last ack;
 * - round trip: `pings` sequential `pingBytes`-byte pings that tab B echoes at once, after `pingWarmup`.
 * The raw link is one ordered, reliable data channel negotiated directly between the tabs (no signaling
 * server), messages cut into 16 KiB data-channel messages like meshcast's chunking. Both use only host
 * candidates on loopback (no ICE servers). With --rounds=N both run N times, alternating, and the round with
 * the best throughput / lowest p50 is kept for each. meshcast runs in its default relay mode (or --mode) for
 * the headline ratios, and again in each of --variants' relay modes (ratios under ratios.byVariant).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium.js';
import { startStaticServer } from '../e2e/static-server.js';
import { createSignalingServer } from '../signaling-server/src/index.js';
import { listFlag, numberFlag, stringFlag } from './lib/args.js';
import { latencySummary, ratio } from './lib/stats.js';

const PAGE_DIR = fileURLToPath(new URL('./browser/', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

interface Throughput {
  messages: number;
  mibPerSecond: number;
  messagesPerSecond: number;
  [key: string]: unknown;
}

async function bundlePage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: PAGE_DIR,
    base: './',
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, minify: false, target: 'es2022', reportCompressedSize: false },
  });
}

type Bench = NonNullable<Window['meshcastBench']>;

/** Calls `window.meshcastBench[name](...args)` in `page`. */
function call<K extends keyof Bench>(page: Page, name: K, ...args: Parameters<Bench[K]>): Promise<Awaited<ReturnType<Bench[K]>>> {
  return page.evaluate(
    ([n, a]) => (window.meshcastBench![n as K] as (...x: unknown[]) => unknown)(...(a as unknown[])),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<Bench[K]>>>;
}

async function connectRaw(a: Page, b: Page): Promise<void> {
  const offer = await call(a, 'rawOffer');
  const answer = await call(b, 'rawAnswer', offer);
  await call(a, 'rawAccept', answer);
  await b.waitForFunction(() => window.meshcastBench!.rawReady(), undefined, { timeout: READY_TIMEOUT_MS });
}

async function connectMesh(a: Page, b: Page, signaling: string, room: string, mode: string): Promise<void> {
  const opts = (peerId: string) => ({ room, signaling, peerId, ...(mode ? { mode } : {}) });
  await Promise.all([call(a, 'meshStart', opts('bench-a')), call(b, 'meshStart', opts('bench-b'))]);
  for (const p of [a, b]) {
    await p.waitForFunction(() => window.meshcastBench!.meshConnected() >= 1, undefined, { timeout: READY_TIMEOUT_MS });
  }
}

export async function run(args: string[]): Promise<object> {
  const o = {
    size: numberFlag(args, 'size', 64 * 1024),
    count: numberFlag(args, 'count', 400),
    window: numberFlag(args, 'window', 16),
    seconds: numberFlag(args, 'seconds', 10),
    pings: numberFlag(args, 'pings', 300),
    pingWarmup: numberFlag(args, 'pingWarmup', 30),
    pingBytes: numberFlag(args, 'pingBytes', 100),
    mode: stringFlag(args, 'mode', ''),
    variants: listFlag(args, 'variants', ['flood']),
    rounds: numberFlag(args, 'rounds', 5),
  };
  const lookup = findChromium();
  if (!lookup.found) throw new Error(lookup.message);
  const outDir = mkdtempSync(join(tmpdir(), 'meshcast-bench-browser-'));
  const signalingServer = createSignalingServer();
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  const staticServer = await (async () => {
    await bundlePage(outDir);
    // Cross-origin isolated, the page's performance.now() ticks in 5 µs instead of 100 µs: round trips of
    // half a millisecond are then measured, not rounded (0.5 vs 0.6 vs 0.7 ms steps made rttVsRaw jump).
    return startStaticServer(outDir, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  })();
  try {
    const { port } = await signalingServer.listen(0, '127.0.0.1');
    const signaling = `ws://127.0.0.1:${port}/`;
    browser = await chromium.launch({ executablePath: lookup.path, args: [...CHROMIUM_ARGS], headless: true });
    const context = await browser.newContext();
    const pageErrors: string[] = [];
    context.on('page', (p) => p.on('pageerror', (err) => pageErrors.push(err.message)));
    const [a, b] = [await context.newPage(), await context.newPage()];
    for (const p of [a, b]) {
      await p.goto(staticServer.url('/index.html'));
      await p.waitForFunction(() => window.meshcastBench !== undefined, undefined, { timeout: READY_TIMEOUT_MS });
    }

    // Whether the pages got the fine clock (see startStaticServer's headers above): reported with the figures.
    const crossOriginIsolated = await a.evaluate(() => window.crossOriginIsolated);

    type MeshRun = { throughput: Throughput; rtt: number[]; stats: object | null };
    const rawRuns: Array<{ throughput: Throughput; rtt: number[] }> = [];
    const meshRuns: MeshRun[] = [];
    const variantRuns: Record<string, MeshRun[]> = Object.fromEntries(o.variants.map((v) => [v, []]));
    const measureMesh = async (room: string, mode: string): Promise<MeshRun> => {
      await connectMesh(a, b, signaling, room, mode);
      const result = {
        throughput: (await call(a, 'throughput', 'meshcast', o.size, o.count, o.window, o.seconds * 1000)) as Throughput,
        rtt: await call(a, 'roundTrips', 'meshcast', o.pingBytes, o.pings, o.pingWarmup),
        stats: await call(a, 'meshStats'),
      };
      await Promise.all([call(a, 'meshClose'), call(b, 'meshClose')]);
      return result;
    };
    for (let r = 0; r < o.rounds; r++) {
      await connectRaw(a, b);
      rawRuns.push({
        throughput: (await call(a, 'throughput', 'raw', o.size, o.count, o.window, o.seconds * 1000)) as Throughput,
        rtt: await call(a, 'roundTrips', 'raw', o.pingBytes, o.pings, o.pingWarmup),
      });
      await Promise.all([call(a, 'rawClose'), call(b, 'rawClose')]);

      meshRuns.push(await measureMesh(`bench-${r}`, o.mode));
      for (const v of o.variants) variantRuns[v]!.push(await measureMesh(`bench-${r}-${v}`, v));
    }
    if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.join('; ')}`);

    const summarise = <T extends { throughput: Throughput; rtt: number[] }>(runs: T[]) => {
      const best = runs.reduce((x, y) => (y.throughput.mibPerSecond > x.throughput.mibPerSecond ? y : x));
      const rtts = runs.map((run) => latencySummary(run.rtt));
      const bestRtt = rtts.reduce((x, y) => (y.p50 < x.p50 ? y : x));
      return { best, rtt: bestRtt, allRounds: runs.map((run, i) => ({ mibPerSecond: run.throughput.mibPerSecond, rttP50: rtts[i]!.p50 })) };
    };
    const raw = summarise(rawRuns);
    const mesh = summarise(meshRuns);
    const ratiosOf = (m: ReturnType<typeof summarise>) => ({
      throughputVsRaw: ratio(m.best.throughput.mibPerSecond, raw.best.throughput.mibPerSecond),
      rttVsRaw: ratio(m.rtt.p50, raw.rtt.p50),
      rttP99VsRaw: ratio(m.rtt.p99, raw.rtt.p99),
    });
    const variants = Object.fromEntries(o.variants.map((v) => [v, summarise(variantRuns[v]!)]));
    return {
      bench: 'browser',
      options: o,
      crossOriginIsolated,
      meshcast: {
        throughput: mesh.best.throughput,
        roundTripMs: mesh.rtt,
        stats: (mesh.best as MeshRun).stats,
        ...(o.rounds > 1 ? { rounds: mesh.allRounds } : {}),
        variants: Object.fromEntries(
          Object.entries(variants).map(([v, m]) => [
            v,
            { throughput: m.best.throughput, roundTripMs: m.rtt, stats: (m.best as MeshRun).stats, ...(o.rounds > 1 ? { rounds: m.allRounds } : {}) },
          ]),
        ),
      },
      anchor: { name: 'raw RTCDataChannel', throughput: raw.best.throughput, roundTripMs: raw.rtt, ...(o.rounds > 1 ? { rounds: raw.allRounds } : {}) },
      ratios: {
        ...ratiosOf(mesh),
        byVariant: Object.fromEntries(Object.entries(variants).map(([v, m]) => [v, ratiosOf(m)])),
      },
    };
  } finally {
    await browser?.close();
    await staticServer.close();
    await signalingServer.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
