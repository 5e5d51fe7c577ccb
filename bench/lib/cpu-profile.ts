/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file, top N.
 * `npx tsx bench/lib/cpu-profile.ts FILE.cpuprofile [N]` — how the benches find where the time goes.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(profile: Profile, top: number): { byFunction: string[]; byFile: string[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += us;
    const short = url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/work\/main\//, '');
    const fnKey = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
    fn.set(fnKey, (fn.get(fnKey) ?? 0) + us);
    const fileKey = short || functionName;
    file.set(fileKey, (file.get(fileKey) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>): string[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}% ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  return { byFunction: fmt(fn), byFile: fmt(file) };
}

if (process.argv[1]?.endsWith('cpu-profile.ts')) {
  const [path, n = '25'] = process.argv.slice(2);
  if (!path) throw new Error('usage: cpu-profile.ts FILE.cpuprofile [N]');
  const { byFunction, byFile } = summarise(JSON.parse(readFileSync(path, 'utf8')) as Profile, Number(n));
  console.log('self time by function:\n' + byFunction.join('\n') + '\n\nself time by file:\n' + byFile.join('\n'));
}
