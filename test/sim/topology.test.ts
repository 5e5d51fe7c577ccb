import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { randomRegularishGraph } from '../../src/transport/sim/index.js';

function connected(adj: number[][]): boolean {
  const seen = new Set<number>([0]);
  const stack = [0];
  while (stack.length > 0) {
    for (const j of adj[stack.pop() as number] ?? []) {
      if (!seen.has(j)) {
        seen.add(j);
        stack.push(j);
      }
    }
  }
  return seen.size === adj.length;
}

describe('randomRegularishGraph', () => {
  it('is connected, symmetric, without self-loops or duplicate edges, with average degree ≈ degree', () => {
    for (const [n, degree] of [
      [10, 3],
      [500, 8],
      [2000, 6],
    ] as const) {
      const adj = randomRegularishGraph(n, degree, new SeededRandom(n));
      expect(adj).toHaveLength(n);
      expect(connected(adj)).toBe(true);
      const problems: string[] = [];
      adj.forEach((nb, i) => {
        if (nb.includes(i)) problems.push(`self-loop at ${i}`);
        if (new Set(nb).size !== nb.length) problems.push(`duplicate edge at ${i}`);
        for (const j of nb) if (!adj[j]?.includes(i)) problems.push(`${i}→${j} not mirrored`);
      });
      expect(problems).toEqual([]);
      const avg = adj.reduce((s, nb) => s + nb.length, 0) / n;
      expect(Math.abs(avg - degree)).toBeLessThan(0.5);
    }
  });

  it('is deterministic from the random stream', () => {
    const a = randomRegularishGraph(300, 8, new SeededRandom('g'));
    const b = randomRegularishGraph(300, 8, new SeededRandom('g'));
    const c = randomRegularishGraph(300, 8, new SeededRandom('h'));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('handles tiny and saturated graphs', () => {
    expect(randomRegularishGraph(1, 8, new SeededRandom(1))).toEqual([[]]);
    const full = randomRegularishGraph(5, 10, new SeededRandom(1));
    expect(full.every((nb) => nb.length === 4)).toBe(true);
  });
});
