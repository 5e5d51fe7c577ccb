/**
 * The demo's map beacons (demo/control.ts) are read from the network: malformed ones are dropped, and
 * every list a beacon feeds is capped (CONTROL_LIMITS), whatever the senders do.
 */
import { describe, expect, it } from 'vitest';
import {
  CONTROL_LIMITS,
  CONTROL_PREFIX,
  decodeBeacon,
  encodeBeacon,
  isControlText,
  TopologyBook,
} from '../../demo/control.js';

const ids = (n: number, prefix = 'p'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('beacon codec', () => {
  it('round-trips a beacon and marks it as control text', () => {
    const beacon = { kind: 'beacon' as const, links: ['a', 'b'], receipts: [{ id: 'm1', from: 'a' }] };
    const text = encodeBeacon(beacon);
    expect(isControlText(text)).toBe(true);
    expect(isControlText('hello')).toBe(false);
    expect(decodeBeacon(text)).toEqual(beacon);
  });

  it('drops malformed beacons without throwing', () => {
    for (const body of ['', 'not json', 'null', '42', '[]', '{"kind":"other","links":[],"receipts":[]}', '{"kind":"beacon","links":{},"receipts":[]}']) {
      expect(decodeBeacon(CONTROL_PREFIX + body), body).toBeUndefined();
    }
    expect(decodeBeacon('{"kind":"beacon","links":[],"receipts":[]}'), 'no prefix').toBeUndefined();
  });

  it('keeps only well-formed ids and caps links and receipts', () => {
    const longId = 'x'.repeat(CONTROL_LIMITS.maxIdLength + 1);
    const raw = {
      kind: 'beacon',
      links: [...ids(CONTROL_LIMITS.maxLinks + 10), 7, '', longId],
      receipts: [
        ...ids(CONTROL_LIMITS.maxReceipts + 5).map((id) => ({ id, from: 'a' })),
        { id: 'bad' },
        'junk',
        { id: longId, from: 'a' },
      ],
    };
    const beacon = decodeBeacon(CONTROL_PREFIX + JSON.stringify(raw))!;
    expect(beacon.links).toHaveLength(CONTROL_LIMITS.maxLinks);
    expect(beacon.links.every((l) => typeof l === 'string' && l.length > 0 && l.length <= CONTROL_LIMITS.maxIdLength)).toBe(true);
    expect(beacon.receipts).toHaveLength(CONTROL_LIMITS.maxReceipts);
    // The newest receipts are kept (the end of the list).
    expect(beacon.receipts.at(-1)).toEqual({ id: `p${CONTROL_LIMITS.maxReceipts + 4}`, from: 'a' });
  });

  it('encodes at most the limits', () => {
    const text = encodeBeacon({
      kind: 'beacon',
      links: ids(CONTROL_LIMITS.maxLinks * 2),
      receipts: ids(CONTROL_LIMITS.maxReceipts * 2).map((id) => ({ id, from: 'a' })),
    });
    const beacon = decodeBeacon(text)!;
    expect(beacon.links).toHaveLength(CONTROL_LIMITS.maxLinks);
    expect(beacon.receipts).toHaveLength(CONTROL_LIMITS.maxReceipts);
  });
});

describe('TopologyBook', () => {
  it('collects undirected links from every report', () => {
    const book = new TopologyBook();
    book.setLinks('a', ['b', 'c'], 0);
    book.applyBeacon('b', { kind: 'beacon', links: ['a'], receipts: [] }, 0);
    expect([...book.links()].sort()).toEqual(['a|b', 'a|c']);
  });

  it('remembers at most maxNodes nodes, forgetting the least recently heard', () => {
    const book = new TopologyBook();
    for (const [i, id] of ids(CONTROL_LIMITS.maxNodes + 5).entries()) book.setLinks(id, [], i);
    expect(book.reported().size).toBe(CONTROL_LIMITS.maxNodes);
    expect(book.reported().has('p0')).toBe(false);
    expect(book.reported().has(`p${CONTROL_LIMITS.maxNodes + 4}`)).toBe(true);
  });

  it('forgets nodes silent for longer than the TTL, but never this tab', () => {
    const book = new TopologyBook();
    book.setLinks('me', ['old'], 0);
    book.setLinks('old', ['me'], 0);
    book.setLinks('fresh', [], CONTROL_LIMITS.nodeTtlMs);
    book.expire(CONTROL_LIMITS.nodeTtlMs + 1, 'me');
    expect([...book.reported().keys()].sort()).toEqual(['fresh', 'me']);
  });

  it('records hops only for tracked messages, and tracks at most maxTrackedMessages', () => {
    const book = new TopologyBook();
    book.applyBeacon('b', { kind: 'beacon', links: [], receipts: [{ id: 'unknown', from: 'a' }] }, 0);
    expect(book.hops('unknown')).toEqual([]);

    book.track('m');
    book.addReceipt('m', 'me', 'a');
    book.applyBeacon('b', { kind: 'beacon', links: [], receipts: [{ id: 'm', from: 'me' }] }, 0);
    expect(book.hops('m')).toEqual([
      { from: 'a', to: 'me' },
      { from: 'me', to: 'b' },
    ]);

    for (const id of ids(CONTROL_LIMITS.maxTrackedMessages, 'later')) book.track(id);
    expect(book.hops('m'), 'the oldest tracked message was evicted').toEqual([]);
  });

  it('keeps at most maxNodes receipts per message', () => {
    const book = new TopologyBook();
    for (const id of ids(CONTROL_LIMITS.maxNodes + 10)) book.addReceipt('m', id, 'a');
    expect(book.hops('m')).toHaveLength(CONTROL_LIMITS.maxNodes);
  });
});
