/**
 * Builds what the e2e tests run, once per `playwright test`: the package (`npm run build`: dist/ with the
 * CLI the tests start as `npm start` does) and the demo (`vite build --mode demo` → dist/demo, which
 * `meshcast signal` serves). MESHCAST_E2E_SKIP_BUILD=1 skips it when dist/ is known to be fresh.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`e2e setup: \`${command} ${args.join(' ')}\` failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

export default function globalSetup(): void {
  if (process.env.MESHCAST_E2E_SKIP_BUILD === '1' && existsSync(resolve(ROOT, 'dist/demo/index.html'))) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['run', 'build']);
  const buildScript: string = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).scripts?.build ?? '';
  // The demo build is part of `npm run build` once the package's build script includes it.
  if (!buildScript.includes('--mode demo')) run(process.execPath, [resolve(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'demo']);
}
