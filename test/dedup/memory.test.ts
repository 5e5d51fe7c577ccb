import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { messageIdToKey } from '../../src/wire/ids.js';
import { MemorySeenStore } from '../../src/dedup/memory.js';
import { DEFAULT_MAX_SEEN_ENTRIES, DEFAULT_SEEN_TTL_MS } from '../../src/dedup/limits.js';

/** A message id whose bytes vary in every word (so the id table hashes all of them). */
function idOf(n: number): Uint8Array {
  const id = new Uint8Array(16);
  for (let i = 0; i < 16; i++) id[i] = (n * 37 + i * 11) & 0xff;
  return id;
}

describe('MemorySeenStore', () => {
  it('uses the named defaults', () => {
    const store = new MemorySeenStore();
    expect(store.ttlMs).toBe(DEFAULT_SEEN_TTL_MS);
    expect(store.maxEntries).toBe(DEFAULT_MAX_SEEN_ENTRIES);
  });

  it('remembers added keys and reports a repeat as not new', () => {
    const store = new MemorySeenStore();
    expect(store.has('a')).toBe(false);
    expect(store.add('a', 0)).toBe(true);
    expect(store.has('a')).toBe(true);
    expect(store.add('a', 5)).toBe(false);
    expect(store.size).toBe(1);
  });

  it('expires entries after the TTL, counted from the first sighting', () => {
    const store = new MemorySeenStore({ ttlMs: 100 });
    store.add('a', 0);
    store.add('a', 90); // a repeat does not refresh the time
    store.add('b', 50);
    expect(store.prune(99)).toBe(0);
    expect(store.prune(100)).toBe(1);
    expect(store.has('a')).toBe(false);
    expect(store.has('b')).toBe(true);
    expect(store.getStats().expired).toBe(1);
  });

  it('expires the head on add without an explicit prune', () => {
    const store = new MemorySeenStore({ ttlMs: 100 });
    store.add('old', 0);
    store.add('new', 500);
    expect(store.has('old')).toBe(false);
    expect(store.size).toBe(1);
  });

  it('evicts the oldest first past maxEntries (the bound holds under a flood of ids)', () => {
    const store = new MemorySeenStore({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) store.add(`k${i}`, i);
    expect(store.size).toBe(3);
    expect(['k7', 'k8', 'k9'].every((k) => store.has(k))).toBe(true);
    expect(store.has('k6')).toBe(false);
    expect(store.getStats().evicted).toBe(7);
  });

  it('falls back to the defaults for nonsense options', () => {
    const store = new MemorySeenStore({ ttlMs: -1, maxEntries: Number.NaN });
    expect(store.ttlMs).toBe(DEFAULT_SEEN_TTL_MS);
    expect(store.maxEntries).toBe(DEFAULT_MAX_SEEN_ENTRIES);
  });

  it('agrees with a model: seen iff added within the TTL and among the newest maxEntries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 30 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 8 }),
        (ops, maxEntries) => {
          const ttl = 50;
          const store = new MemorySeenStore({ ttlMs: ttl, maxEntries });
          const model = new Map<string, number>();
          let now = 0;
          for (const [k, dt] of ops) {
            now += dt;
            // Even k: a message id's key (the IdTable path); odd k: any other string (the Set path).
            const key = k % 2 === 0 ? messageIdToKey(idOf(k)) : `k${k}`;
            // Model: expire the head, add when absent, evict the oldest past the bound.
            for (const [mk, t] of model) if (t <= now - ttl) model.delete(mk);
            const fresh = !model.has(key);
            if (fresh) model.set(key, now);
            while (model.size > maxEntries) model.delete(model.keys().next().value as string);
            expect(store.add(key, now)).toBe(fresh);
            expect(store.size).toBe(model.size);
            for (const mk of model.keys()) expect(store.has(mk)).toBe(true);
            for (let j = 0; j <= 20; j += 2) expect(store.hasId(idOf(j))).toBe(model.has(messageIdToKey(idOf(j))));
            expect(store.snapshot()).toEqual([...model]);
          }
        },
      ),
    );
  });
});

describe('MemorySeenStore by id', () => {
  it('addId / hasId and add / has by key are one store', () => {
    const store = new MemorySeenStore();
    expect(store.addId(idOf(1), 0)).toBe(true);
    expect(store.has(messageIdToKey(idOf(1)))).toBe(true);
    expect(store.add(messageIdToKey(idOf(1)), 1)).toBe(false);
    expect(store.add(messageIdToKey(idOf(2)), 1)).toBe(true);
    expect(store.hasId(idOf(2))).toBe(true);
    // An uppercase key is not messageIdToKey's form: it is a different key.
    expect(store.has(messageIdToKey(idOf(2)).toUpperCase())).toBe(false);
    expect(store.snapshot()).toEqual([
      [messageIdToKey(idOf(1)), 0],
      [messageIdToKey(idOf(2)), 1],
    ]);
  });

  it('prune drops old ids and keys alike and keeps the rest in order', () => {
    const store = new MemorySeenStore({ ttlMs: 10 });
    store.addId(idOf(1), 0);
    store.add('other', 5);
    store.addId(idOf(2), 8);
    expect(store.prune(16)).toBe(2);
    expect(store.snapshot()).toEqual([[messageIdToKey(idOf(2)), 8]]);
    expect(store.hasId(idOf(1))).toBe(false);
    expect(store.has('other')).toBe(false);
  });
});

/** Distinct ids for any n < 2^32 (the sequence number in the last four bytes, as MessageIdFactory does). */
function seqId(n: number): Uint8Array {
  const id = idOf(7);
  new DataView(id.buffer).setUint32(12, n);
  return id;
}

describe('MemorySeenStore growth', () => {
  it('keeps order and membership while its queue wraps and grows (head moved, then past capacity)', () => {
    const store = new MemorySeenStore({ ttlMs: 100, maxEntries: 10_000 });
    const model: Array<[string, number]> = [];
    const add = (i: number, now: number): void => {
      const key = i % 3 === 0 ? `other-${i}` : messageIdToKey(seqId(i));
      expect(store.add(key, now)).toBe(true);
      model.push([key, now]);
      while (model.length > 0 && model[0]![1] <= now - 100) model.shift();
    };
    // 50 ids at t = 1…50; at t = 120 the first 20 have expired (the queue's head moved to 20), and 300
    // more make the ring wrap and then grow, twice, with its head in the middle.
    for (let i = 0; i < 50; i++) add(i, i + 1);
    for (let i = 50; i < 350; i++) add(i, 120);
    expect(store.size).toBe(model.length);
    expect(store.snapshot()).toEqual(model);
    for (const [key] of model) expect(store.has(key)).toBe(true);
    expect(store.prune(200)).toBe(30);
    expect(store.snapshot()).toEqual(model.filter(([, t]) => t > 100));
  });
});
