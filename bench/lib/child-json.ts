/**
 * Runs a bench helper script in a child Node process (through tsx) and parses the JSON object on its last
 * stdout line. The child is killed (by its own pid) if it outlives `timeoutMs`.
 */
import { spawn } from 'node:child_process';

export async function runChildJson(script: string, args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new Error(`${script} ${args.join(' ')} exited with ${code} without a JSON line; stderr: ${stderr.slice(-1500)}`);
  }
}
