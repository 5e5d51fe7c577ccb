import { describe, expect, it } from 'vitest';
import type { IHaveFrame, MsgFrame } from '../../src/wire/frames.js';
import { messageIdToKey } from '../../src/wire/ids.js';
import { adaptiveFanout } from '../../src/relay/gossip-fanout.js';
import { bytes, Mesh } from './gossip-harness.js';

const keysOf = (ids: Uint8Array[]): string[] => ids.map(messageIdToKey).sort();

describe('GossipProtocol — lazy push rounds', () => {
  it('announces new ids once, batched into one ihave per peer, to at least lazyFanout lazy peers', () => {
    const mesh = new Mesh(5, { floodHops: 0, lazyFanout: 2, pushPullRatio: 1, fanout: 1 });
    const a = mesh.add('a');
    const lazy = ['l1', 'l2', 'l3', 'l4'];
    for (const l of lazy) {
      mesh.link('a', l);
      a.receiveMessage({ kind: 'prune' }, l);
    }
    const ids = [a.broadcast(bytes(1)), a.broadcast(bytes(2)), a.broadcast(bytes(3))];
    a.start();
    mesh.run(5_000);
    const ihaves = mesh.frames({ from: 'a', kind: 'ihave' });
    // Every id reaches ≥ 2 peers, and each peer got one frame holding all the ids announced to it.
    const perPeer = new Map<string, number>();
    for (const s of ihaves) perPeer.set(s.to, (perPeer.get(s.to) ?? 0) + 1);
    for (const n of perPeer.values()) expect(n).toBe(1);
    for (const id of ids) {
      const to = ihaves.filter((s) => (s.frame as IHaveFrame).ids.some((x) => messageIdToKey(x) === messageIdToKey(id)));
      expect(to.length).toBeGreaterThanOrEqual(2);
    }
    // Batching: fewer frames than (id, peer) announcements.
    const announcements = ihaves.reduce((n, s) => n + (s.frame as IHaveFrame).ids.length, 0);
    expect(ihaves.length).toBeLessThan(announcements);
    // Announced once: later rounds repeat nothing.
    const later = mesh.sent.length;
    mesh.run(5_000);
    expect(mesh.frames({ from: 'a', kind: 'ihave' }, later)).toHaveLength(0);
    a.stop();
  });

  it('sends nothing in rounds with nothing new, and skips peers known to have the id', () => {
    const mesh = new Mesh(5, { floodHops: 0, lazyFanout: 3, pushPullRatio: 0.7 });
    const a = mesh.add('a');
    for (const l of ['l1', 'l2', 'l3']) {
      mesh.link('a', l);
      a.receiveMessage({ kind: 'prune' }, l);
    }
    mesh.link('a', 'src');
    const other = mesh.add('other', { floodHops: 0 });
    other.addPeer('sink');
    other.broadcast(bytes(9));
    const frame = mesh.frames({ from: 'other', kind: 'msg' })[0]!.frame as MsgFrame;
    a.receiveMessage(frame, 'src');
    a.receiveMessage({ kind: 'ihave', ids: [frame.id] }, 'l3'); // l3 has it
    a.start();
    mesh.run(10_000);
    const announcedTo = mesh.frames({ from: 'a', kind: 'ihave' }).map((s) => s.to).sort();
    expect(announcedTo).toEqual(['l1', 'l2']);
    // Past the anti-entropy window nothing at all goes out.
    const quietFrom = mesh.sent.length;
    mesh.run(20_000);
    expect(mesh.frames({ from: 'a' }, quietFrom)).toHaveLength(0);
    expect(a.getStats().rounds).toBeGreaterThan(25);
    a.stop();
  });
});

describe('GossipProtocol — pull (digest) rounds', () => {
  /** a and b know disjoint messages; they are linked lazily afterwards, so only anti-entropy can help. */
  function disjoint(aCount: number, bCount: number, options: ConstructorParameters<typeof Mesh>[1] = {}): Mesh {
    const mesh = new Mesh(9, { floodHops: 0, pushPullRatio: 0, lazyFanout: 0, ...options });
    const a = mesh.add('a');
    const b = mesh.add('b');
    for (let i = 0; i < aCount; i++) a.broadcast(bytes(1, i));
    for (let i = 0; i < bCount; i++) b.broadcast(bytes(2, i));
    mesh.link('a', 'b');
    a.receiveMessage({ kind: 'prune' }, 'b');
    b.receiveMessage({ kind: 'prune' }, 'a');
    // Let the ids age into the middle of the window (the part a digest answer covers).
    mesh.run(1_000);
    return mesh;
  }

  it('a digest exchange is complete: each side ends with every message, delivered once', () => {
    const mesh = disjoint(5, 3);
    mesh.node('a').start(); // only a pulls; b answers
    mesh.run(1_100);
    mesh.node('a').stop();
    mesh.run(1_000);
    expect(mesh.delivered.get('a')!.map((m) => m.key).length).toBe(3);
    expect(mesh.delivered.get('b')!.map((m) => m.key).length).toBe(5);
    expect(new Set(mesh.delivered.get('b')!.map((m) => m.key)).size).toBe(5);
    const b = mesh.node('b').getStats();
    expect(b.served).toBe(3); // b's msgs that a's digest lacked
    expect(b.iwantIdsOut).toBe(5); // a's ids that b lacked, asked for in one iwant
    expect(mesh.frames({ from: 'b', kind: 'iwant' })).toHaveLength(1);
    expect(mesh.node('a').getStats().served).toBe(5);
  });

  it('a digest answer is bounded by maxPullPerRound', () => {
    const mesh = disjoint(1, 6, { maxPullPerRound: 2 });
    mesh.node('a').start();
    mesh.run(1_100);
    mesh.node('a').stop();
    mesh.run(1_000);
    const answered = mesh.frames({ from: 'b', to: 'a', kind: 'msg' });
    expect(answered).toHaveLength(2);
    expect(mesh.delivered.get('a')).toHaveLength(2);
    expect(mesh.node('b').getStats().served).toBe(2);
  });

  it('a digest lists only the recent window, and an empty window sends no digest', () => {
    const mesh = disjoint(2, 0);
    const a = mesh.node('a');
    a.start();
    mesh.run(1_100);
    const digests = mesh.frames({ from: 'a', kind: 'digest' });
    expect(digests.length).toBeGreaterThan(0);
    for (const d of digests) expect((d.frame as { ids: Uint8Array[] }).ids).toHaveLength(2);
    mesh.run(5_000);
    const late = mesh.sent.length;
    mesh.run(5_000);
    expect(mesh.frames({ from: 'a', kind: 'digest' }, late)).toHaveLength(0);
    a.stop();
  });

  it('digest ids we lack are asked for once even when several peers list them', () => {
    const mesh = new Mesh(4, { floodHops: 0 });
    const a = mesh.add('a');
    mesh.link('a', 'p');
    mesh.link('a', 'q');
    const ids = [Uint8Array.from({ length: 16 }, (_, i) => i), Uint8Array.from({ length: 16 }, (_, i) => 100 + i)];
    a.receiveMessage({ kind: 'digest', ids }, 'p');
    a.receiveMessage({ kind: 'digest', ids }, 'q');
    mesh.run(1);
    const iwants = mesh.frames({ from: 'a', kind: 'iwant' });
    expect(iwants.map((s) => s.to)).toEqual(['p']);
    expect(keysOf((iwants[0]!.frame as { ids: Uint8Array[] }).ids)).toEqual(keysOf(ids));
  });
});

describe('GossipProtocol — adaptive fanout', () => {
  it('is ⌈ln N⌉ + c', () => {
    expect(adaptiveFanout(1, 1)).toBe(1);
    expect(adaptiveFanout(2, 1)).toBe(2);
    expect(adaptiveFanout(100, 1)).toBe(6); // ln 100 = 4.6
    expect(adaptiveFanout(1000, 1)).toBe(8); // ln 1000 = 6.9
    expect(adaptiveFanout(1000, 3)).toBe(10);
  });

  it('follows the network-size estimate: peers + 1, recent origins, or the host hint', () => {
    const mesh = new Mesh(1, { adaptiveFanout: true });
    const a = mesh.add('a');
    for (let i = 0; i < 9; i++) a.addPeer(`p${i}`);
    expect(a.getStats()).toMatchObject({ estimatedNetworkSize: 10, fanout: Math.ceil(Math.log(10)) + 1 });
    // Messages from 30 distinct origins raise the estimate.
    for (let i = 0; i < 30; i++) {
      const o = mesh.add(`o${i}`, { floodHops: 0 });
      o.addPeer('sink');
      o.broadcast(bytes(i));
      a.receiveMessage(mesh.frames({ from: `o${i}`, kind: 'msg' })[0]!.frame, 'p0');
    }
    expect(a.getStats()).toMatchObject({ estimatedNetworkSize: 30, fanout: Math.ceil(Math.log(30)) + 1 });
    const hinted = mesh.add('h', { adaptiveFanout: true, networkSizeHint: 5000, fanoutConstant: 2 });
    expect(hinted.getStats().fanout).toBe(Math.ceil(Math.log(5000)) + 2);
    expect(mesh.add('fixed', { adaptiveFanout: false, fanout: 6 }).getStats().fanout).toBe(6);
  });

  it('a round contacts `fanout` distinct peers', () => {
    const mesh = new Mesh(1, { adaptiveFanout: true, pushPullRatio: 0, floodHops: 0 });
    const a = mesh.add('a');
    for (let i = 0; i < 20; i++) a.addPeer(`p${i}`);
    a.broadcast(bytes(1));
    a.start();
    mesh.run(1_600);
    const digests = mesh.frames({ from: 'a', kind: 'digest' });
    expect(digests).toHaveLength(Math.ceil(Math.log(21)) + 1);
    expect(new Set(digests.map((d) => d.to)).size).toBe(digests.length);
    a.stop();
  });
});
