/**
 * IdTable: the typed-array hash table behind the seen store and the gossip cache. Checked against a Map
 * model under random inserts, updates and deletes — small id pools and a growing table force collisions,
 * long probe runs and backward-shift deletions across the wrap-around.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdTable, IdWords } from '../../src/core/id-table.js';
import { messageIdToKey } from '../../src/wire/ids.js';

function idOf(n: number): Uint8Array {
  const id = new Uint8Array(16);
  id[15] = n & 0xff;
  id[3] = (n >> 3) & 0xff;
  return id;
}

describe('IdTable', () => {
  it('agrees with a Map under random set / add / delete, for any seed', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.tuple(fc.constantFrom('set', 'add', 'delete'), fc.integer({ min: 0, max: 60 }), fc.nat(1000)), { maxLength: 400 }),
        (seed, ops) => {
          const table = new IdTable({ seed });
          const model = new Map<number, number>();
          const w = new IdWords();
          for (const [op, n, value] of ops) {
            w.fromId(idOf(n));
            if (op === 'set') {
              expect(table.set(w, value)).toBe(!model.has(n));
              model.set(n, value);
            } else if (op === 'add') {
              // add never replaces a value
              expect(table.add(w, value)).toBe(!model.has(n));
              if (!model.has(n)) model.set(n, value);
            } else {
              expect(table.delete(w)).toBe(model.delete(n));
            }
            expect(table.size).toBe(model.size);
          }
          for (let n = 0; n <= 60; n++) expect(table.get(w.fromId(idOf(n)))).toBe(model.get(n) ?? -1);
        },
      ),
    );
  });

  it('1,000 ids in a table grown from 16 slots: half deleted, the rest still found (long probe runs)', () => {
    const table = new IdTable({ seed: 7 });
    const w = new IdWords();
    for (let n = 0; n < 1000; n++) table.set(w.fromId(idOf(n)), n);
    for (let n = 0; n < 1000; n += 2) expect(table.delete(w.fromId(idOf(n)))).toBe(true);
    for (let n = 0; n < 1000; n++) expect(table.get(w.fromId(idOf(n)))).toBe(n % 2 === 0 ? -1 : n);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.has(w.fromId(idOf(1)))).toBe(false);
  });

  it('keeps the all-zero id (the empty-slot pattern) aside, and a set without values answers 0', () => {
    const table = new IdTable({ values: false });
    const w = new IdWords();
    expect(table.has(w.fromId(new Uint8Array(16)))).toBe(false);
    expect(table.set(w, 5)).toBe(true);
    expect(table.set(w, 6)).toBe(false);
    expect(table.get(w)).toBe(0);
    expect(table.size).toBe(1);
    table.set(w.fromId(idOf(1)));
    expect(table.get(w)).toBe(0);
    expect(table.delete(w.fromId(new Uint8Array(16)))).toBe(true);
    expect(table.has(w)).toBe(false);
    expect(table.has(w.fromId(idOf(1)))).toBe(true);
    expect(table.size).toBe(1);
  });

  it('ids built to collide under a fixed hash, or differing in strides of powers of two, spread out', () => {
    const table = new IdTable();
    const w = new IdWords();
    const view = new DataView(new ArrayBuffer(16));
    const id = new Uint8Array(view.buffer);
    for (let i = 1; i <= 16_384; i++) {
      // The old unkeyed hash mixed words a and c without a key: a = T ^ c·0x85ebca6b sent all these home
      // to one slot. Then: ids equal but for one word that steps by 2^16, or by 2^20.
      const c = i * 0x9e3779b9;
      const variants: Array<[number, number, number, number]> = [
        [0x1234 ^ Math.imul(c, 0x85ebca6b), 7, c, 9],
        [1, 2, 3, i << 16],
        [i << 20, 5, 6, 7],
      ];
      for (const [a, b, cc, d] of variants) {
        view.setInt32(0, a);
        view.setInt32(4, b);
        view.setInt32(8, cc);
        view.setInt32(12, d);
        table.set(w.fromId(id), i);
      }
    }
    const { capacity, longestRun } = table.layout();
    expect(table.size).toBeGreaterThan(16_384 * 2);
    expect(capacity).toBeGreaterThanOrEqual(2 * table.size);
    expect(longestRun).toBeLessThan(200); // random placement: a few tens; one chain would be ~40,000
  });

  it('IdWords reads ids and their keys alike, and refuses other strings', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => (i * 29 + 200) & 0xff);
    const key = messageIdToKey(id);
    const fromId = new IdWords().fromId(id);
    const fromKey = new IdWords();
    expect(fromKey.fromKey(key)).toBe(true);
    expect([fromKey.a, fromKey.b, fromKey.c, fromKey.d]).toEqual([fromId.a, fromId.b, fromId.c, fromId.d]);
    expect(messageIdToKey(fromId.toId())).toBe(key);
    for (const bad of ['', 'k1', key.toUpperCase(), key.slice(1), `${key.slice(0, 31)}g`, `${key.slice(0, 31)}\u00e9`]) {
      expect(new IdWords().fromKey(bad)).toBe(false);
    }
  });
});
