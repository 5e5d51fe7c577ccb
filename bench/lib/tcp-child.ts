/**
 * One implementation of the `tcp` bench in a fresh process (a clean heap and event loop for each):
 * `node --import tsx bench/lib/tcp-child.ts IMPL [flags]`, IMPL one of raw | gossipsub | meshcast. Prints
 * the harness's report as JSON on its last line.
 */
import { DEFAULT_MAX_SEEN_ENTRIES } from '../../src/dedup/limits.js';
import { numberFlag } from './args.js';
import { measureTcp, type MeshUnderTest } from './tcp-harness.js';

async function load(name: string, args: string[]): Promise<MeshUnderTest> {
  switch (name) {
    case 'raw':
      return new (await import('./tcp-raw.js')).RawRelayMesh();
    case 'gossipsub':
      return new (await import('./tcp-gossipsub.js')).GossipsubMesh();
    case 'meshcast':
      return new (await import('./tcp-meshcast.js')).MeshcastTcpMesh(args);
    default:
      throw new Error(`unknown implementation ${name}`);
  }
}

/**
 * Warm-up messages (each phase is also bounded by `seconds`): enough to bring every implementation to its
 * steady state — JIT done, and bounded state full: meshcast's seen store holds DEFAULT_MAX_SEEN_ENTRIES
 * ids, and a measured phase that starts with it empty times its growth (a dozen doublings and rehashes a
 * running node pays once) rather than its steady eviction. The same count for everyone.
 */
const DEFAULT_WARMUP_MESSAGES = DEFAULT_MAX_SEEN_ENTRIES + 20_000;

const [name = '', ...args] = process.argv.slice(2);
const impl = await load(name, args);
const report = await measureTcp(impl, {
  nodes: numberFlag(args, 'nodes', 5),
  bytes: numberFlag(args, 'bytes', 1024),
  window: numberFlag(args, 'window', 256),
  warmup: numberFlag(args, 'warmup', DEFAULT_WARMUP_MESSAGES),
  messages: numberFlag(args, 'messages', 100_000),
  seconds: numberFlag(args, 'seconds', 5),
  publishers: numberFlag(args, 'publishers', 1),
});
// Libraries may leave timers behind (libp2p does): once the report is written, the process ends here.
process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
