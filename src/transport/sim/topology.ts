/**
 * Test/bench topologies. randomRegularishGraph: a ring (so the graph is connected) plus random chords
 * until the average degree reaches `degree` — deterministic from `random`. Used by the simulator bench
 * and the relay/peer benches.
 */
import type { Random } from '../../core/random.js';

/** Adjacency lists over node indices 0..n-1 (undirected: j ∈ adj[i] ⇔ i ∈ adj[j]), no self-loops or duplicates. */
export function randomRegularishGraph(n: number, degree: number, random: Random): number[][] {
  const adj: number[][] = Array.from({ length: n }, () => []);
  if (n < 2) return adj;
  const edges = new Set<number>();
  const add = (a: number, b: number): boolean => {
    if (a === b) return false;
    const key = a < b ? a * n + b : b * n + a;
    if (edges.has(key)) return false;
    edges.add(key);
    (adj[a] as number[]).push(b);
    (adj[b] as number[]).push(a);
    return true;
  };
  for (let i = 0; i < n; i++) add(i, (i + 1) % n);
  const maxEdges = (n * (n - 1)) / 2;
  const target = Math.min(maxEdges, Math.max(edges.size, Math.round((n * degree) / 2)));
  // Chords join random pairs; prefer nodes still below `degree` so degrees stay near-uniform.
  let attempts = 0;
  while (edges.size < target && attempts < target * 20) {
    attempts++;
    const a = random.int(n);
    const b = random.int(n);
    if (attempts < target * 10 && ((adj[a] as number[]).length >= degree || (adj[b] as number[]).length >= degree)) continue;
    add(a, b);
  }
  return adj;
}
