import { describe, expect, it } from 'vitest';
import { SeededRandom, sample, shuffleInPlace } from '../../src/core/random.js';

const draws = (r: SeededRandom, n: number) => Array.from({ length: n }, () => r.nextU32());

describe('SeededRandom', () => {
  it('is deterministic per seed (number or string) and differs across seeds', () => {
    expect(draws(new SeededRandom(1), 50)).toEqual(draws(new SeededRandom(1), 50));
    expect(draws(new SeededRandom('abc'), 50)).toEqual(draws(new SeededRandom('abc'), 50));
    expect(draws(new SeededRandom(1), 50)).not.toEqual(draws(new SeededRandom(2), 50));
    expect(draws(new SeededRandom('abc'), 50)).not.toEqual(draws(new SeededRandom('abd'), 50));
  });

  it('next() is in [0, 1) and roughly uniform', () => {
    const r = new SeededRandom(3);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      else buckets[Math.floor(x * 10)]! += 1;
    }
    expect(outside).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('int(n) stays in [0, n), hits every value, and is 0 for non-positive bounds', () => {
    const r = new SeededRandom(4);
    for (const n of [1, 2, 7, 1000]) {
      const seen = new Set<number>();
      let bad = 0;
      for (let i = 0; i < 20 * n; i++) {
        const v = r.int(n);
        if (!(Number.isInteger(v) && v >= 0 && v < n)) bad++;
        seen.add(v);
      }
      expect(bad).toBe(0);
      expect(seen.size).toBe(n);
    }
    expect(r.int(0)).toBe(0);
    expect(r.int(-5)).toBe(0);
    expect(r.int(Number.NaN)).toBe(0);
  });

  it('nextU32 covers the whole 32-bit range', () => {
    const r = new SeededRandom(5);
    let max = 0;
    for (let i = 0; i < 10_000; i++) max = Math.max(max, r.nextU32());
    expect(max).toBeGreaterThan(2 ** 32 * 0.99);
    expect(max).toBeLessThan(2 ** 32);
  });

  it('bytes(n) returns n deterministic bytes', () => {
    expect(new SeededRandom(6).bytes(13)).toEqual(new SeededRandom(6).bytes(13));
    expect(new SeededRandom(6).bytes(13)).toHaveLength(13);
    expect(new SeededRandom(6).bytes(0)).toHaveLength(0);
  });

  it('fork() gives deterministic streams independent of the parent and of each other', () => {
    const parent = new SeededRandom(7);
    const a = parent.fork('a');
    const b = parent.fork('b');
    const again = new SeededRandom(7);
    expect(draws(again.fork('a') as SeededRandom, 20)).toEqual(draws(a as SeededRandom, 20));
    expect(draws(again.fork('b') as SeededRandom, 20)).toEqual(draws(b as SeededRandom, 20));
    // Drawing from a child does not move the parent or a sibling.
    const p1 = new SeededRandom(8);
    const c1 = p1.fork('x');
    const s1 = p1.fork('y');
    const p2 = new SeededRandom(8);
    const c2 = p2.fork('x');
    const s2 = p2.fork('y');
    draws(c1 as SeededRandom, 100);
    expect(draws(s1 as SeededRandom, 10)).toEqual(draws(s2 as SeededRandom, 10));
    expect(draws(p1, 10)).toEqual(draws(p2, 10));
    void c2;
    // Same label at different points of the parent's stream: different streams.
    const p3 = new SeededRandom(9);
    expect(draws(p3.fork('z') as SeededRandom, 10)).not.toEqual(draws(p3.fork('z') as SeededRandom, 10));
  });

  it('shuffleInPlace permutes deterministically; sample picks k distinct items without touching the input', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s1 = shuffleInPlace(items.slice(), new SeededRandom(10));
    const s2 = shuffleInPlace(items.slice(), new SeededRandom(10));
    expect(s1).toEqual(s2);
    expect([...s1].sort((x, y) => x - y)).toEqual(items);
    expect(s1).not.toEqual(items);
    const input = items.slice();
    const picked = sample(input, 10, new SeededRandom(11));
    expect(new Set(picked).size).toBe(10);
    expect(picked.every((x) => items.includes(x))).toBe(true);
    expect(input).toEqual(items);
    expect(sample(input, 100, new SeededRandom(11))).toHaveLength(50);
  });
});
