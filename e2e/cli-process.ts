/**
 * Runs the real `meshcast` CLI (bin/meshcast.js → dist/cli.js, built by the global setup) in a child
 * process, the way `npm start` does, and reads its one-line-per-event log: tests wait for a line matching
 * a pattern (with a timeout, never a fixed sleep) and type lines on stdin (`meshcast peer` broadcasts them).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = resolve(ROOT, 'bin/meshcast.js');

/** Most log lines kept per process (a chatty process must not grow the test's memory without bound). */
const MAX_LINES = 20_000;
const DEFAULT_WAIT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

interface Waiter {
  pattern: RegExp;
  resolve: (match: RegExpMatchArray) => void;
}

export class CliProcess {
  /** The newest MAX_LINES lines of stdout and stderr (prefixed `stderr `). */
  readonly lines: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    const onLine = (line: string): void => {
      this.lines.push(line);
      if (this.lines.length > MAX_LINES) this.lines.shift();
      for (const w of this.waiters) {
        const match = line.match(w.pattern);
        if (match) {
          this.waiters.delete(w);
          w.resolve(match);
        }
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', (line) => onLine(`stderr ${line}`));
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  static start(name: string, args: readonly string[]): CliProcess {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    return new CliProcess(name, child);
  }

  /** Resolves with the first line so far or to come matching `pattern`; rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<RegExpMatchArray> {
    for (const line of this.lines) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolvePromise, reject) => {
      const waiter: Waiter = { pattern, resolve: resolvePromise };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms; last lines:\n${this.lines.slice(-15).join('\n')}`));
      }, timeoutMs);
      waiter.resolve = (match) => {
        clearTimeout(timer);
        resolvePromise(match);
      };
      this.waiters.add(waiter);
    });
  }

  /** Lines matching `pattern` so far. */
  matching(pattern: RegExp): RegExpMatchArray[] {
    return this.lines.map((l) => l.match(pattern)).filter((m): m is RegExpMatchArray => m !== null);
  }

  /** Types a line on the process's stdin. */
  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** SIGTERM, then SIGKILL if it has not exited in time; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface SignalProcess {
  readonly process: CliProcess;
  /** http://127.0.0.1:PORT — the demo is served at `/`. */
  readonly httpUrl: string;
  /** ws://127.0.0.1:PORT/ — the signaling endpoint. */
  readonly wsUrl: string;
}

/** `meshcast signal --port 0` on loopback: what `npm start` runs, on a free port. */
export async function startSignal(): Promise<SignalProcess> {
  const proc = CliProcess.start('meshcast signal', ['signal', '--port', '0', '--host', '127.0.0.1']);
  const [, port] = await proc.waitForLine(/^meshcast signal: ws:\/\/[^:]+:(\d+)\//);
  if (proc.matching(/not built/).length > 0) throw new Error('meshcast signal: the demo is not built (dist/demo)');
  return { process: proc, httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/` };
}
