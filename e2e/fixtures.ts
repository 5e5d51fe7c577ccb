/**
 * Playwright fixtures shared by every e2e test. Import `test` and `expect` from here, not from
 * @playwright/test, to get:
 *   - `staticServer` (worker-scoped): e2e/pages/ served on http://127.0.0.1:<ephemeral port>, started once
 *     per worker and closed after it.
 */
import { test as base } from '@playwright/test';
import { resolve } from 'node:path';
import { startStaticServer } from './static-server.js';
import type { StaticServer } from './static-server.js';

export const PAGES_DIR = resolve(import.meta.dirname, 'pages');

export const test = base.extend<object, { staticServer: StaticServer }>({
  staticServer: [
    async ({}, use) => {
      const server = await startStaticServer(PAGES_DIR);
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
