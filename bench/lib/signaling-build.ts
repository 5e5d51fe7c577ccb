/**
 * meshcast's signaling server for the benches as plain JavaScript, so that it runs under plain `node` as
 * y-webrtc's bin/server.js does (and as `meshcast signal` runs the built package). Under tsx the two
 * processes differ before the first client: tsx's loader and the transform of every module leave the
 * server with a young generation already grown (8 MiB against 4 MiB) and freed memory the first
 * connections reuse. At 1,000 clients the young generation alone then grew by ~4.3 KiB per connection
 * for meshcast under tsx against ~6 KiB for y-webrtc and for meshcast under node: RSS per connection
 * flattered meshcast by more than 10 %.
 *
 * The project's own tsc compiles the server entry and what it imports (no type check: that is
 * `npm run typecheck`'s job) into node_modules/.cache/, inside the repository so that `ws` resolves.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'node_modules', '.cache', 'meshcast-bench', 'signaling');

/** Compiles `entry` (a .ts file in the repository) and returns the path of the compiled .js. */
export async function compileForNode(entry: string): Promise<string> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // Node does not look for "type": "module" above a node_modules folder, so the output says it itself.
  writeFileSync(join(OUT, 'package.json'), JSON.stringify({ type: 'module' }));
  const tsconfig = join(OUT, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: false, noCheck: true, outDir: OUT, rootDir: ROOT, sourceMap: false, declaration: false },
      files: [entry],
      include: [],
    }),
  );
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', tsconfig]);
  return join(OUT, relative(ROOT, entry)).replace(/\.ts$/, '.js');
}
