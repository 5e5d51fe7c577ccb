/**
 * The bench dispatcher: `npx tsx bench/run.ts NAME [flags]` (or `npm run bench -- NAME [flags]`) imports
 * bench/NAME.ts, awaits its `run(args)` and prints the result as one JSON line, the last line of output.
 * NAME `all` is reserved for running every bench.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = available();
  if (name === undefined || name === 'all' || !names.includes(name)) {
    const why = name === 'all' ? '"all" is reserved and not implemented yet' : `unknown bench ${JSON.stringify(name ?? '')}`;
    console.error(`${why}. Available: ${names.join(', ')}`);
    process.exit(1);
  }
  const mod = (await import(`./${name}.ts`)) as BenchModule;
  const result = await mod.run(args);
  console.log(JSON.stringify(result));
}

await main();
