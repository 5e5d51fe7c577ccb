/**
 * The bench dispatcher: `npx tsx bench/run.ts NAME [flags]` (or `npm run bench -- NAME [flags]`) imports
 * bench/NAME.ts, awaits its `run(args)` and prints the result as one JSON line, the last line of output.
 * NAME `all` runs every bench with its default flags, one after another, each in a child process of its own
 * (a clean heap; one failing bench is reported and the others still run), and prints
 * `{"bench":"all","results":{NAME: <that bench's JSON>, …},"seconds":{NAME: s, …}}` as the last line.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChildJson } from './lib/child-json.js';

interface BenchModule {
  run(args: string[]): Promise<object>;
}

const here = dirname(fileURLToPath(import.meta.url));

function available(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** One bench may take this long under `all` before it is killed and reported as an error. */
const ALL_BENCH_TIMEOUT_MS = 5 * 60_000;

async function runAll(names: string[]): Promise<object> {
  const results: Record<string, unknown> = {};
  const seconds: Record<string, number> = {};
  for (const name of names) {
    const start = performance.now();
    try {
      results[name] = await runChildJson(fileURLToPath(import.meta.url), [name], ALL_BENCH_TIMEOUT_MS);
    } catch (err) {
      results[name] = { bench: name, error: err instanceof Error ? err.message : String(err) };
    }
    seconds[name] = Math.round((performance.now() - start) / 100) / 10;
    console.error(`bench ${name}: ${seconds[name]} s`);
  }
  return { bench: 'all', results, seconds };
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = available();
  if (name === 'all') {
    console.log(JSON.stringify(await runAll(names)));
    return;
  }
  if (name === undefined || !names.includes(name)) {
    console.error(`unknown bench ${JSON.stringify(name ?? '')}. Available: all, ${names.join(', ')}`);
    process.exit(1);
  }
  const mod = (await import(`./${name}.ts`)) as BenchModule;
  const result = await mod.run(args);
  // Exit once the line is written: a library may leave a timer or socket behind (libp2p does), and a bench
  // that has reported must not hang `all`.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

await main();
