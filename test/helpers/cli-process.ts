/**
 * Runs the real `meshcast` CLI (src/cli/index.ts through tsx, so no build is needed) as a child process
 * and reads its one-line-per-event log.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));

export class CliProcess {
  readonly lines: string[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  private waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: 'pipe' });
    const onLine = (line: string): void => {
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(line)) return true;
        w.resolve(line);
        return false;
      });
    };
    createInterface({ input: this.child.stdout }).on('line', onLine);
    createInterface({ input: this.child.stderr }).on('line', (line) => onLine(`stderr ${line}`));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The first line (already seen or future) matching `pattern`. */
  waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const test = (line: string): boolean => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(pattern)}; log:\n${this.lines.join('\n')}`)), timeoutMs);
      this.waiters.push({ test, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }

  count(pattern: RegExp): number {
    return this.lines.filter((l) => pattern.test(l)).length;
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}
