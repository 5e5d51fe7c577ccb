import { describe, expect, it } from 'vitest';
import type { MsgFrame } from '../../src/wire/frames.js';
import { messageIdToKey } from '../../src/wire/ids.js';
import { bytes, Mesh } from './gossip-harness.js';

/** No flood phase: these tests pin Plumtree's own transitions (gossip-flood-phase.test.ts covers the rest). */
const PURE_PLUMTREE = { floodHops: 0 };

/** A msg frame as `origin` would first send it (hops 1, pushed along the tree). */
function msgFrom(mesh: Mesh, origin: string, payload: Uint8Array): MsgFrame {
  const sender = mesh.add(origin);
  mesh.link(origin, 'hub');
  sender.broadcast(payload);
  const sent = mesh.frames({ from: origin, kind: 'msg' }).at(-1)!;
  return sent.frame as MsgFrame;
}

describe('GossipProtocol — Plumtree transitions', () => {
  it('starts new peers eager and pushes a broadcast to every eager peer, hops 1, route push', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a');
    for (const g of ['p1', 'p2', 'p3']) mesh.link('a', g);
    expect(a.getStats().eagerPeerCount).toBe(3);
    a.broadcast(bytes(1, 2, 3));
    const msgs = mesh.frames({ from: 'a', kind: 'msg' });
    expect(msgs.map((s) => s.to).sort()).toEqual(['p1', 'p2', 'p3']);
    for (const s of msgs) expect(s.frame).toMatchObject({ hops: 1, route: 'push', origin: 'a', encoding: 'raw' });
  });

  it('delivers a new msg once, relays it to the other eager peers, and prunes the sender of a tree duplicate', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const hub = mesh.add('hub');
    for (const g of ['x', 'y', 'z']) mesh.link('hub', g);
    const frame = msgFrom(mesh, 'o', bytes(9));
    // The first copy arrived through the mesh harness from 'o'; replay it as if 'x' also pushed it.
    mesh.run(10);
    expect(mesh.delivered.get('hub')!.map((m) => m.payload)).toEqual([bytes(9)]);
    const relayed = mesh.frames({ from: 'hub', kind: 'msg' });
    expect(relayed.map((s) => s.to).sort()).toEqual(['x', 'y', 'z']);
    for (const s of relayed) expect(s.frame).toMatchObject({ hops: 2, route: 'push' });

    const before = mesh.sent.length;
    expect(hub.receiveMessage({ ...frame, hops: 2 }, 'x')).toBe(false);
    expect(hub.getStats().duplicates).toBe(1);
    expect(mesh.delivered.get('hub')).toHaveLength(1);
    expect(hub.isEager('x')).toBe(false);
    expect(mesh.frames({ from: 'hub', to: 'x' }, before).map((s) => s.frame.kind)).toEqual(['prune']);
  });

  it('does not prune for a duplicate that came by pull or flood', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const hub = mesh.add('hub');
    mesh.link('hub', 'x');
    const frame = msgFrom(mesh, 'o', bytes(1));
    mesh.run(10);
    hub.receiveMessage({ ...frame, route: 'pull' }, 'x');
    hub.receiveMessage({ ...frame, route: 'flood' }, 'x');
    expect(hub.getStats().duplicates).toBe(2);
    expect(hub.isEager('x')).toBe(true);
    expect(mesh.frames({ from: 'hub', kind: 'prune' })).toHaveLength(0);
  });

  it('a prune makes the sender lazy: later broadcasts skip it', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a');
    mesh.link('a', 'p1');
    mesh.link('a', 'p2');
    a.receiveMessage({ kind: 'prune' }, 'p1');
    expect(a.isEager('p1')).toBe(false);
    a.broadcast(bytes(5));
    expect(mesh.frames({ from: 'a', kind: 'msg' }).map((s) => s.to)).toEqual(['p2']);
  });

  it('an ihave for a missing id grafts the announcer after graftTimeout, which serves the msg and turns eager', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a', { graftTimeout: 250 });
    const b = mesh.add('b', { pushPullRatio: 1 });
    mesh.link('a', 'b');
    mesh.link('b', 'ghost'); // b's tree link elsewhere
    // Make the a–b link lazy on both sides first.
    a.receiveMessage({ kind: 'prune' }, 'b');
    b.receiveMessage({ kind: 'prune' }, 'a');
    b.broadcast(bytes(7, 7));
    expect(mesh.frames({ from: 'b', to: 'a' })).toHaveLength(0);

    // b announces lazily in a round; drive it by starting b's timers.
    b.start();
    mesh.run(2_000);
    const ihave = mesh.frames({ from: 'b', to: 'a', kind: 'ihave' });
    expect(ihave).toHaveLength(1);
    const announcedAt = ihave[0]!.at + mesh.latencyMs;
    // No graft before the timer runs out.
    const grafts = mesh.frames({ from: 'a', kind: 'graft' });
    expect(grafts).toHaveLength(1);
    expect(grafts[0]!.at - announcedAt).toBe(250);
    expect(a.isEager('b')).toBe(true);
    expect(b.isEager('a')).toBe(true);
    const served = mesh.frames({ from: 'b', to: 'a', kind: 'msg' });
    expect(served).toHaveLength(1);
    expect(served[0]!.frame).toMatchObject({ route: 'pull' });
    expect(mesh.delivered.get('a')!.map((m) => m.payload)).toEqual([bytes(7, 7)]);
    b.stop();
  });

  it('cancels the graft when the tree delivers first', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a', { graftTimeout: 250 });
    mesh.link('a', 'lazy');
    mesh.link('a', 'parent');
    const frame = msgFrom(mesh, 'o', bytes(3));
    const key = messageIdToKey(frame.id);
    a.receiveMessage({ kind: 'ihave', ids: [frame.id] }, 'lazy');
    expect(a.getStats().missingCount).toBe(1);
    mesh.run(100);
    a.receiveMessage({ ...frame, hops: 2 }, 'parent');
    mesh.run(1_000);
    expect(mesh.frames({ from: 'a', kind: 'graft' })).toHaveLength(0);
    expect(a.getStats().missingCount).toBe(0);
    expect(mesh.delivered.get('a')!.map((m) => m.key)).toEqual([key]);
  });

  it('asks the next announcer after requestRetryTimeout when the first graft brings nothing', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a', { graftTimeout: 250, requestRetryTimeout: 400 });
    mesh.link('a', 'g1');
    mesh.link('a', 'g2');
    const frame = msgFrom(mesh, 'o', bytes(4));
    a.receiveMessage({ kind: 'ihave', ids: [frame.id] }, 'g1');
    a.receiveMessage({ kind: 'ihave', ids: [frame.id] }, 'g2');
    const t0 = mesh.clock.now();
    mesh.run(250);
    expect(mesh.frames({ from: 'a', kind: 'graft' }).map((s) => [s.to, s.at - t0])).toEqual([['g1', 250]]);
    mesh.run(400);
    expect(mesh.frames({ from: 'a', kind: 'graft' }).map((s) => [s.to, s.at - t0])).toEqual([
      ['g1', 250],
      ['g2', 650],
    ]);
  });

  it('repairs the tree when an eager peer is removed: a lazy peer is grafted', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a');
    for (const g of ['parent', 'l1', 'l2']) mesh.link('a', g);
    a.receiveMessage({ kind: 'prune' }, 'l1');
    a.receiveMessage({ kind: 'prune' }, 'l2');
    expect(a.getStats()).toMatchObject({ eagerPeerCount: 1, lazyPeerCount: 2 });
    a.removePeer('parent');
    const grafts = mesh.frames({ from: 'a', kind: 'graft' });
    expect(grafts).toHaveLength(1);
    expect(grafts[0]!.frame).toEqual({ kind: 'graft', ids: [] });
    expect(a.isEager(grafts[0]!.to)).toBe(true);
    expect(a.getStats()).toMatchObject({ peerCount: 2, eagerPeerCount: 1, lazyPeerCount: 1 });
  });

  it('an origin every peer has pruned grafts one before broadcasting (it would be off the tree)', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a');
    for (const l of ['l1', 'l2']) {
      mesh.link('a', l);
      a.receiveMessage({ kind: 'prune' }, l);
    }
    a.broadcast(bytes(1));
    const out = mesh.frames({ from: 'a' });
    expect(out.map((s) => s.frame.kind)).toEqual(['graft', 'msg']);
    expect(out[0]!.to).toBe(out[1]!.to);
    expect(a.getStats().eagerPeerCount).toBe(1);
  });

  it('a round rejoins the tree when every peer has pruned this node', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a');
    for (const l of ['l1', 'l2', 'l3']) {
      mesh.link('a', l);
      a.receiveMessage({ kind: 'prune' }, l);
    }
    a.start();
    mesh.run(1_000);
    expect(mesh.frames({ from: 'a', kind: 'graft' }).map((s) => s.frame)).toEqual([{ kind: 'graft', ids: [] }]);
    expect(a.getStats().eagerPeerCount).toBe(1);
    mesh.run(3_000);
    expect(mesh.frames({ from: 'a', kind: 'graft' })).toHaveLength(1);
    a.stop();
  });

  it('removing a lazy peer changes nothing else', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a');
    mesh.link('a', 'p');
    mesh.link('a', 'l');
    a.receiveMessage({ kind: 'prune' }, 'l');
    a.removePeer('l');
    expect(mesh.frames({ from: 'a' })).toHaveLength(0);
    expect(a.getStats()).toMatchObject({ peerCount: 1, eagerPeerCount: 1 });
  });

  it('a graft received makes the sender eager and serves the ids it names', () => {
    const mesh = new Mesh(1, PURE_PLUMTREE);
    const a = mesh.add('a');
    mesh.link('a', 'g');
    mesh.link('a', 'tree');
    a.receiveMessage({ kind: 'prune' }, 'g');
    const id = a.broadcast(bytes(8));
    expect(mesh.frames({ from: 'a', to: 'g' })).toHaveLength(0);
    a.receiveMessage({ kind: 'graft', ids: [id] }, 'g');
    expect(a.isEager('g')).toBe(true);
    const served = mesh.frames({ from: 'a', to: 'g', kind: 'msg' });
    expect(served).toHaveLength(1);
    expect(served[0]!.frame).toMatchObject({ route: 'pull', hops: 1 });
  });

  it('converges to a spanning tree: after the first message, a cycle carries each message once per node', () => {
    const mesh = new Mesh(3, PURE_PLUMTREE);
    const ids = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
    for (const id of ids) mesh.add(id);
    // A ring plus two chords: 8 edges over 6 nodes (3 redundant).
    const edges = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 0], [0, 3], [1, 4]] as const;
    for (const [x, y] of edges) mesh.link(ids[x]!, ids[y]!);
    mesh.node('n0').broadcast(bytes(1));
    mesh.run(100);
    const msgsFirst = mesh.frames({ kind: 'msg' }).length;
    expect(msgsFirst).toBeGreaterThan(ids.length - 1);
    const eagerEdges = (): number => {
      let n = 0;
      for (const [x, y] of edges) if (mesh.node(ids[x]!).isEager(ids[y]!) && mesh.node(ids[y]!).isEager(ids[x]!)) n++;
      return n;
    };
    expect(eagerEdges()).toBe(ids.length - 1);
    for (const origin of ['n2', 'n5', 'n3']) {
      const before = mesh.frames({ kind: 'msg' }).length;
      mesh.node(origin).broadcast(bytes(2));
      mesh.run(100);
      expect(mesh.frames({ kind: 'msg' }).length - before).toBe(ids.length - 1);
    }
    // Four messages, from n0, n2, n5 and n3: each node delivers every one but its own, exactly once.
    const origins = new Set(['n0', 'n2', 'n5', 'n3']);
    for (const id of ids) expect(mesh.delivered.get(id)!.length).toBe(origins.has(id) ? 3 : 4);
  });
});
