import { describe, expect, it } from 'vitest';
import type { RelayFrame } from '../../src/relay/types.js';
import type { MsgFrame } from '../../src/wire/frames.js';
import { DEFAULT_GOSSIP_LIMITS } from '../../src/relay/limits.js';
import { bytes, Mesh } from './gossip-harness.js';

const id16 = (n: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, i) => (n >>> (8 * (i % 4))) & 0xff);

/** A valid msg frame from origin `o` (as first sent: hops 1). */
function makeMsg(mesh: Mesh, payload = bytes(1)): MsgFrame {
  const o = mesh.add(`o${mesh.sent.length}`, { floodHops: 0 });
  o.addPeer('sink');
  o.broadcast(payload);
  return mesh.frames({ from: o.localId, kind: 'msg' }).at(-1)!.frame as MsgFrame;
}

describe('GossipProtocol — bad input is bounded and counted', () => {
  it('a msg with an id of the wrong length is dropped and counted', () => {
    const mesh = new Mesh();
    const n = mesh.add('n');
    n.addPeer('p');
    const good = makeMsg(mesh);
    for (const id of [new Uint8Array(0), new Uint8Array(15), new Uint8Array(17), new Uint8Array(4096)]) {
      expect(n.receiveMessage({ ...good, id }, 'p')).toBe(false);
    }
    expect(n.getStats()).toMatchObject({ badIds: 4, delivered: 0, seenCount: 0, messageCount: 0 });
    expect(mesh.frames({ from: 'n' })).toHaveLength(0);
  });

  it('malformed frames from a host are counted, never thrown', () => {
    const mesh = new Mesh();
    const n = mesh.add('n');
    n.addPeer('p');
    const good = makeMsg(mesh);
    const junk = [
      { ...good, payload: 'text' },
      { ...good, hops: -1 },
      { ...good, priority: 'urgent' },
      { ...good, encoding: 'gzip' },
      { kind: 'ihave', ids: 'nope' },
      { kind: 'iwant', ids: [1, 2] },
      { kind: 'hello' },
      null,
    ] as unknown as RelayFrame[];
    for (const f of junk) expect(n.receiveMessage(f, 'p')).toBe(false);
    expect(n.getStats().badFrames).toBe(junk.length);
  });

  it('a hop count past hopLimit is dropped (not marked seen); at the limit it is delivered but not relayed', () => {
    const mesh = new Mesh(1, { hopLimit: 5, floodHops: 0 });
    const n = mesh.add('n');
    n.addPeer('p');
    n.addPeer('q');
    const frame = makeMsg(mesh);
    expect(n.receiveMessage({ ...frame, hops: 6 }, 'p')).toBe(false);
    expect(n.getStats()).toMatchObject({ hopLimitDropped: 1, seenCount: 0 });
    expect(n.receiveMessage({ ...frame, hops: 5 }, 'p')).toBe(true);
    expect(n.getStats()).toMatchObject({ hopLimitStopped: 1, delivered: 1 });
    expect(mesh.frames({ from: 'n', kind: 'msg' })).toHaveLength(0);
  });

  it('iwant and graft for ids never announced or not cached are counted and serve nothing', () => {
    const mesh = new Mesh();
    const n = mesh.add('n');
    n.addPeer('p');
    n.receiveMessage({ kind: 'iwant', ids: [id16(1), id16(2), new Uint8Array(3)] }, 'p');
    n.receiveMessage({ kind: 'graft', ids: [id16(3)] }, 'p');
    expect(n.getStats()).toMatchObject({ unknownIdRequests: 3, badIds: 1, served: 0 });
    expect(mesh.frames({ from: 'n', kind: 'msg' })).toHaveLength(0);
  });

  it('a flood of ihave ids is bounded by limits.maxMissingIds (oldest dropped, counted)', () => {
    const maxMissingIds = 100;
    const mesh = new Mesh(1, { limits: { maxMissingIds } });
    const n = mesh.add('n');
    n.addPeer('p');
    for (let batch = 0; batch < 10; batch++) {
      const ids = Array.from({ length: 50 }, (_, i) => id16(batch * 50 + i + 1));
      n.receiveMessage({ kind: 'ihave', ids }, 'p');
    }
    const s = n.getStats();
    expect(s.missingCount).toBe(maxMissingIds);
    expect(s.missingDropped).toBe(500 - maxMissingIds);
    // The requests that follow are bounded too: only the ids still tracked are grafted.
    mesh.run(10_000);
    const asked = mesh.frames({ from: 'n', kind: 'graft' }).reduce((k, f) => k + (f.frame as { ids: unknown[] }).ids.length, 0);
    expect(asked).toBeLessThanOrEqual(maxMissingIds * DEFAULT_GOSSIP_LIMITS.maxRequestAttempts);
    expect(n.getStats().missingCount).toBe(0);
  });

  it('id lists longer than limits.maxIdsPerFrame are cut and counted', () => {
    const mesh = new Mesh(1, { limits: { maxIdsPerFrame: 8 } });
    const n = mesh.add('n');
    n.addPeer('p');
    n.receiveMessage({ kind: 'ihave', ids: Array.from({ length: 20 }, (_, i) => id16(i + 1)) }, 'p');
    expect(n.getStats()).toMatchObject({ oversizeIdLists: 1, missingCount: 8 });
  });

  it('the same message replayed by many peers: duplicates counted, no growth, one delivery', () => {
    const mesh = new Mesh(1, { floodHops: 0 });
    const n = mesh.add('n');
    const frame = makeMsg(mesh, bytes(1, 2, 3));
    for (let i = 0; i < 50; i++) n.addPeer(`p${i}`);
    n.receiveMessage(frame, 'p0');
    const after = n.getStats();
    for (let r = 0; r < 20; r++) for (let i = 0; i < 50; i++) n.receiveMessage({ ...frame, route: 'pull' }, `p${i}`);
    const s = n.getStats();
    expect(s.duplicates).toBe(1000);
    expect(s.delivered).toBe(1);
    expect(s.seenCount).toBe(after.seenCount);
    expect(s.messageCount).toBe(after.messageCount);
    expect(mesh.delivered.get('n')).toHaveLength(1);
  });

  it('a peer cannot draw more than limits.maxServedPerPeerPerRound msgs per round', () => {
    const mesh = new Mesh(1, { floodHops: 0, limits: { maxServedPerPeerPerRound: 5 } });
    const n = mesh.add('n');
    n.addPeer('p');
    const ids = Array.from({ length: 12 }, (_, i) => n.broadcast(bytes(i)));
    n.receiveMessage({ kind: 'iwant', ids }, 'p');
    n.receiveMessage({ kind: 'iwant', ids }, 'p');
    expect(mesh.frames({ from: 'n', to: 'p', kind: 'msg' }).filter((s) => (s.frame as MsgFrame).route === 'pull')).toHaveLength(5);
    expect(n.getStats().serveBudgetExceeded).toBe(2);
    // The budget refills each round.
    n.start();
    mesh.run(1_000);
    n.receiveMessage({ kind: 'iwant', ids }, 'p');
    expect(mesh.frames({ from: 'n', to: 'p', kind: 'msg' }).filter((s) => (s.frame as MsgFrame).route === 'pull')).toHaveLength(10);
    n.stop();
  });

  it('the message cache is bounded by count and bytes (oldest evicted, counted)', () => {
    const mesh = new Mesh(1, { floodHops: 0, limits: { maxCachedMessages: 10, maxCachedBytes: 1_000_000 } });
    const n = mesh.add('n');
    for (let i = 0; i < 25; i++) n.broadcast(bytes(i));
    expect(n.getStats()).toMatchObject({ messageCount: 10, cacheEvicted: 15 });
    const small = new Mesh(1, { floodHops: 0, limits: { maxCachedBytes: 1_000 } });
    const m = small.add('m');
    for (let i = 0; i < 10; i++) m.broadcast(new Uint8Array(300));
    expect(m.getStats()).toMatchObject({ messageCount: 3, cacheEvicted: 7 });
  });

  it('frames from unknown peers are counted and keep no per-peer state', () => {
    const mesh = new Mesh();
    const n = mesh.add('n');
    const frame = makeMsg(mesh);
    expect(n.receiveMessage(frame, 'stranger')).toBe(true);
    n.receiveMessage({ kind: 'ihave', ids: [id16(9)] }, 'stranger');
    n.receiveMessage({ kind: 'graft', ids: [frame.id] }, 'stranger');
    expect(n.getStats()).toMatchObject({ unknownPeerFrames: 3, peerCount: 0, missingCount: 0, served: 0 });
  });

  it('handler errors and forward rejections are counted, not thrown', async () => {
    const mesh = new Mesh(1, { floodHops: 0 });
    const n = mesh.add('n');
    n.addPeer('p');
    n.onMessage(() => {
      throw new Error('app bug');
    });
    n.onForward(async () => {
      throw new Error('socket gone');
    });
    n.onForward(() => {
      throw new Error('sync throw');
    });
    expect(n.receiveMessage(makeMsg(mesh), 'p')).toBe(true);
    n.broadcast(bytes(1));
    await Promise.resolve();
    expect(n.getStats().handlerErrors).toBe(1);
    expect(n.getStats().forwardErrors).toBe(2);
  });
});
