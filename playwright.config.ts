/**
 * Playwright for the e2e tests in e2e/: the system Chromium (see e2e/chromium.ts for the lookup order),
 * one worker (CI and dev machines here have 2 shared cores), and on failure a trace and a screenshot
 * kept under e2e-artifacts/ (open a trace with `npx playwright show-trace e2e-artifacts/<test>/trace.zip`).
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './e2e/chromium.js';

const browser = findChromium();
if (!browser.found) {
  // One line, no stack: the fix is to install a browser, not to read Playwright internals.
  const error = new Error(`e2e: ${browser.message}`);
  error.stack = `Error: ${error.message}`;
  throw error;
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Builds dist/ (the CLI the demo tests start, the demo, the package the consumer check packs) once.
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'e2e-artifacts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // A flaky e2e test is a bug to fix, not to retry away.
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: browser.path,
      args: [...CHROMIUM_ARGS],
    },
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
