/**
 * A server under test in a child process of its own (so its memory is its own and measurable): forked
 * with an IPC channel and the memory probe preloaded, ready once it accepts TCP connections on its port.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Physical size of V8's young generation (new space), part of rss. */
  youngBytes: number;
  gc: boolean;
}

const PROBE = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));

/** A free TCP port on 127.0.0.1 (bound then released; the child binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class ServerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly output: string[],
  ) {}

  /**
   * Forks `script` with PORT set and waits (≤ 20 s) until 127.0.0.1:PORT accepts connections.
   * `useTsx` loads TypeScript through tsx.
   */
  static async start(script: string, options: { useTsx: boolean; env?: Record<string, string> }): Promise<ServerProcess> {
    const port = await freePort();
    const execArgv = ['--expose-gc', ...(options.useTsx ? ['--import', 'tsx'] : []), '--import', PROBE];
    const child = fork(script, [], {
      execArgv,
      env: { ...process.env, ...options.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer): void => {
      output.push(chunk.toString());
      if (output.length > 50) output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const server = new ServerProcess(child, port, output);
    const deadline = performance.now() + 20_000;
    while (!(await server.accepts())) {
      if (child.exitCode !== null || performance.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`server ${script} did not start on port ${port}: ${output.join('')}`);
      }
      await sleep(50);
    }
    return server;
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }

  /** The server's memory after two full GCs. */
  memory(): Promise<MemorySample> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('memory probe timed out')), 10_000);
      const onMessage = (message: unknown): void => {
        if ((message as { probe?: string }).probe !== 'memory') return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message as MemorySample);
      };
      this.child.on('message', onMessage);
      this.child.send({ probe: 'memory' });
    });
  }

  /** CPU time the server has used so far (ms), from /proc (Linux), or null elsewhere. */
  cpuMs(): number | null {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
    } catch {
      return null;
    }
  }

  recentOutput(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(6_000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}
