import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarQueue } from '../../src/transport/sim/calendar-queue.js';
import { EventQueue } from '../../src/transport/sim/event-queue.js';

interface Agenda<T> {
  push(time: number, item: T): void;
  pop(): T | undefined;
  peekTime(): number;
  readonly size: number;
  readonly scheduled: number;
}

const kinds: [string, () => Agenda<number>][] = [
  ['EventQueue', () => new EventQueue<number>()],
  ['CalendarQueue', () => new CalendarQueue<number>()],
];

/** Times that hit every path: equal times, fractions, the current slot, the bucket window and beyond it. */
const times = fc.oneof(
  fc.integer({ min: 0, max: 20 }),
  fc.double({ min: 0, max: 50, noNaN: true }),
  fc.integer({ min: 0, max: 5000 }),
  fc.constant(1e7),
);

describe.each(kinds)('%s', (_name, make) => {
  it('pops by time, then by scheduling order for equal times, with pushes interleaved (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(times, fc.constant(-1)), { maxLength: 300 }), (ops) => {
        // -1 pops; anything else pushes an event at (the last popped time + it), as a simulation would:
        // nothing is ever scheduled in the past. A reference model sorts by (time, order).
        const queue = make();
        const model: { time: number; order: number }[] = [];
        let order = 0;
        let now = 0;
        for (const op of ops) {
          if (op === -1) {
            model.sort((x, y) => x.time - y.time || x.order - y.order);
            const expected = model.shift();
            expect(queue.peekTime()).toBe(expected ? expected.time : Infinity);
            expect(queue.pop()).toBe(expected?.order);
            if (expected) now = expected.time;
          } else {
            queue.push(now + op, order);
            model.push({ time: now + op, order: order++ });
          }
          expect(queue.size).toBe(model.length);
        }
      }),
    );
  });

  it('grows past its initial capacity and drains in order', () => {
    const queue = make();
    for (let i = 0; i < 5000; i++) queue.push((i * 7919) % 3000, i);
    let last = -1;
    let lastSeq = -1;
    let outOfOrder = 0;
    for (let i = 0; i < 5000; i++) {
      const time = queue.peekTime();
      const item = queue.pop() as number;
      if (time < last || (time === last && item < lastSeq)) outOfOrder++;
      last = time;
      lastSeq = item;
    }
    expect(outOfOrder).toBe(0);
    expect(queue.pop()).toBeUndefined();
    expect(queue.peekTime()).toBe(Infinity);
    expect(queue.scheduled).toBe(5000);
  });
});
