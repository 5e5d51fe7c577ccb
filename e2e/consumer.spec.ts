/**
 * The consumer check: a throwaway Vite app whose only code is `import { createMeshNode } from 'meshcast'`,
 * a join and a broadcast, with meshcast installed from `npm pack`'s tarball (the files a user gets from
 * the registry, nothing else). It must build with no Vite config at all — no polyfill plugins, no
 * `define` — and run in Chromium without a page error, two of its tabs exchanging a message through the
 * signaling server (`meshcast signal`, started by the harness).
 */
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './cli-process.js';
import { DELIVERY_TIMEOUT_MS, expect, MESH_TIMEOUT_MS, test } from './demo-harness.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const VITE = resolve(ROOT, 'node_modules/vite/bin/vite.js');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The whole app: a page and one script. */
const APP_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'meshcast-consumer-check', private: true, type: 'module' }, null, 2),
  'index.html': '<!doctype html>\n<meta charset="utf-8">\n<title>meshcast consumer</title>\n<link rel="icon" href="data:,">\n<script type="module" src="./main.js"></script>\n',
  'main.js': `import { createMeshNode } from 'meshcast';

const query = new URLSearchParams(location.search);
const node = createMeshNode({ room: query.get('room'), signaling: query.get('signal') });
const received = [];
node.on('message', (m) => received.push({ origin: m.origin, text: m.text() }));
window.app = {
  id: node.id,
  received,
  ready: false,
  connected: () => node.peers().filter((p) => p.connected).length,
  send: (text) => node.broadcast(text),
};
node.ready.then(() => (window.app.ready = true));
`,
};

interface ConsumerApp {
  id: string;
  received: { origin: string; text: string }[];
  ready: boolean;
  connected(): number;
  send(text: string): string;
}

declare global {
  interface Window {
    app?: ConsumerApp;
  }
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`\`${command} ${args.join(' ')}\` in ${cwd} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

let dir: string;
let server: StaticServer;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = await mkdtemp(join(tmpdir(), 'meshcast-consumer-'));
  // The package as published (the global setup built dist/).
  run(NPM, ['pack', '--pack-destination', dir], ROOT);
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  expect(tarball, 'npm pack made a tarball').toBeDefined();

  const app = join(dir, 'app');
  await mkdir(app);
  for (const [name, text] of Object.entries(APP_FILES)) await writeFile(join(app, name), text);
  const install = ['install', join(dir, tarball!), '--no-audit', '--no-fund', '--no-package-lock'];
  try {
    // Everything meshcast depends on is in npm's cache after the project's own install.
    run(NPM, [...install, '--offline'], app);
  } catch {
    run(NPM, [...install, '--prefer-offline'], app);
  }
  // No vite.config at all: the default build of a plain app.
  expect(existsSync(join(app, 'vite.config.js')) || existsSync(join(app, 'vite.config.ts'))).toBe(false);
  run(process.execPath, [VITE, 'build', '--logLevel', 'warn'], app);
  server = await startStaticServer(join(app, 'dist'));
});

test.afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a Vite app importing meshcast from its npm tarball builds with no config and two tabs exchange a message', async ({ context, signal }) => {
  const problems: string[] = [];
  const room = `consumer-${Date.now().toString(36)}`;
  const open = async (): Promise<Page> => {
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    await page.goto(`${server.url('/')}?room=${room}&signal=${encodeURIComponent(signal.wsUrl)}`);
    await page.waitForFunction(() => window.app?.ready === true, undefined, { timeout: MESH_TIMEOUT_MS });
    return page;
  };
  const [a, b] = [await open(), await open()];
  for (const page of [a, b]) {
    await page.waitForFunction(() => window.app!.connected() === 1, undefined, { timeout: MESH_TIMEOUT_MS });
  }
  const [idA, idB] = [await a.evaluate(() => window.app!.id), await b.evaluate(() => window.app!.id)];

  await a.evaluate(() => window.app!.send('hello from a'));
  await expect.poll(() => b.evaluate(() => window.app!.received), { timeout: DELIVERY_TIMEOUT_MS }).toEqual([
    { origin: idA, text: 'hello from a' },
  ]);
  await b.evaluate(() => window.app!.send('hello from b'));
  await expect.poll(() => a.evaluate(() => window.app!.received), { timeout: DELIVERY_TIMEOUT_MS }).toEqual([
    { origin: idB, text: 'hello from b' },
  ]);
  expect(problems).toEqual([]);
});
