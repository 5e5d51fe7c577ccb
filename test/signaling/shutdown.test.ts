/** SIGTERM → installShutdownHandlers → graceful close, in a real child process. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { TestClient, cleanup } from './helpers.js';

afterEach(cleanup);

const fixture = fileURLToPath(new URL('./fixtures/serve.ts', import.meta.url));

describe('installShutdownHandlers', () => {
  it('closes gracefully on SIGTERM: clients get 1001, the process prints closed and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = output.match(/port=(\d+)/);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', () => reject(new Error(`server exited early: ${output}`)));
    });
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/`);
    await client.join('lobby', 'alice');

    child.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(await exited).toBe(0);
    expect(output).toContain('closed');
  });
});
