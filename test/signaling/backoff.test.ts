import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { backoffDelay } from '../../src/signaling/backoff.js';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1_000 };

  it('doubles the base per attempt up to maxMs, with the delay in [base/2, base)', () => {
    const random = new SeededRandom(1);
    for (let attempt = 0; attempt < 40; attempt++) {
      const base = Math.min(options.maxMs, options.initialMs * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(attempt, options, random);
        expect(delay).toBeGreaterThanOrEqual(base / 2);
        expect(delay).toBeLessThan(base);
      }
    }
    expect(Number.isFinite(backoffDelay(5_000, options, random))).toBe(true);
  });

  it('is deterministic for a seed and spreads clients apart', () => {
    const draw = (seed: string) => backoffDelay(3, options, new SeededRandom(seed));
    expect(draw('peer-a')).toBe(draw('peer-a'));
    const delays = new Set(['a', 'b', 'c', 'd', 'e'].map(draw));
    expect(delays.size).toBe(5);
  });
});
