/**
 * Finds the Chromium the e2e tests launch. Playwright's own `npx playwright install` cannot download on
 * every machine we run on (CI images, offline boxes), so the system browser comes first:
 *
 *   1. MESHCAST_CHROMIUM — an explicit path; when set it must point at an executable (no silent fallback,
 *      so a typo is reported instead of quietly testing another browser);
 *   2. `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on PATH;
 *   3. Playwright's downloaded browser (chromium.executablePath()), if that file exists.
 *
 * Run directly (`npx tsx e2e/chromium.ts`) it prints what it found, for CI logs.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';

export const CHROMIUM_ENV = 'MESHCAST_CHROMIUM';

/** Executable names looked up on PATH, in order. */
export const PATH_CANDIDATES: readonly string[] = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
];

/**
 * Flags that make Chromium work headless in containers and shared CI machines: no sandbox (we often run as
 * root), no GPU, and no background traffic (updates, sync, QUIC probes) competing with the test or
 * reaching out to the internet.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export type ChromiumSource = 'env' | 'path' | 'playwright';

export type ChromiumLookup =
  | { found: true; path: string; source: ChromiumSource }
  | { found: false; message: string };

export const INSTALL_HINT =
  `install one with \`apt-get install -y chromium\` (Debian/Ubuntu) or set ${CHROMIUM_ENV}=/path/to/chrome`;

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function playwrightBrowser(): string | undefined {
  try {
    const path = chromium.executablePath();
    return path && isExecutableFile(path) ? path : undefined;
  } catch {
    // Playwright throws when it has no browser registry entry for this platform.
    return undefined;
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const explicit = env[CHROMIUM_ENV];
  if (explicit) {
    return isExecutableFile(explicit)
      ? { found: true, path: explicit, source: 'env' }
      : { found: false, message: `${CHROMIUM_ENV}=${explicit} is not an executable file; fix the path or unset it.` };
  }
  for (const name of PATH_CANDIDATES) {
    const path = onPath(name, env.PATH ?? '');
    if (path) return { found: true, path, source: 'path' };
  }
  const downloaded = playwrightBrowser();
  if (downloaded) return { found: true, path: downloaded, source: 'playwright' };
  return {
    found: false,
    message:
      `No Chromium found (${CHROMIUM_ENV} unset, none of ${PATH_CANDIDATES.join('/')} on PATH, ` +
      `no Playwright browser): ${INSTALL_HINT}.`,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lookup = findChromium();
  if (lookup.found) {
    console.log(`e2e chromium: ${lookup.path} (from ${lookup.source})`);
  } else {
    console.error(lookup.message);
    process.exitCode = 1;
  }
}
