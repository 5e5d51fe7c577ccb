/** The seen store's ring (src/dedup/seen-queue.ts): order, times and non-id keys across wraps and growth. */
import { describe, expect, it } from 'vitest';
import { IdWords } from '../../src/core/id-table.js';
import { SeenQueue } from '../../src/dedup/seen-queue.js';

/** Entry n: every third one a non-id key, the others the id whose four words are n+1, n+2, n+3, n+4. */
function push(queue: SeenQueue, n: number): void {
  const w = new IdWords();
  [w.a, w.b, w.c, w.d] = [n + 1, n + 2, n + 3, n + 4];
  queue.push(w, n % 3 === 0 ? `key-${n}` : undefined, n * 10);
}

function expectEntry(queue: SeenQueue, at: number, n: number): void {
  const w = new IdWords();
  const other = queue.at(at, w);
  if (n % 3 === 0) expect(other).toBe(`key-${n}`);
  else expect([other, w.a, w.b, w.c, w.d]).toEqual([undefined, n + 1, n + 2, n + 3, n + 4]);
  expect(queue.timeAt(at)).toBe(n * 10);
}

describe('SeenQueue', () => {
  it('keeps ids, non-id keys and times in order while the ring wraps and then grows several times', () => {
    const queue = new SeenQueue();
    let next = 0;
    let oldest = 0;
    for (; next < 50; next++) push(queue, next);
    // Shift 40 off the head, then push past the first capacity (64): the ring wraps before it grows.
    const w = new IdWords();
    for (; oldest < 40; oldest++) expect(queue.shift(w)).toBe(oldest % 3 === 0 ? `key-${oldest}` : undefined);
    for (; next < 1_000; next++) push(queue, next);
    expect(queue.length).toBe(next - oldest);
    for (let i = 0; i < queue.length; i++) expectEntry(queue, i, oldest + i);
    // Shifting everything returns each entry once, oldest first, and leaves no key behind.
    for (; oldest < next; oldest++) expect(queue.shift(w)).toBe(oldest % 3 === 0 ? `key-${oldest}` : undefined);
    expect(queue.length).toBe(0);
    push(queue, 1);
    expectEntry(queue, 0, 1);
  });

  it('filter keeps the chosen entries in order, keys included', () => {
    const queue = new SeenQueue();
    for (let n = 0; n < 200; n++) push(queue, n);
    queue.filter((i) => i % 2 === 0);
    expect(queue.length).toBe(100);
    for (let i = 0; i < 100; i++) expectEntry(queue, i, i * 2);
  });
});
