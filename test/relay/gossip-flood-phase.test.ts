import { describe, expect, it } from 'vitest';
import type { MsgFrame } from '../../src/wire/frames.js';
import { bytes, Mesh } from './gossip-harness.js';

/** Node 'a' with one eager ghost peer and three lazy ones. */
function star(options: ConstructorParameters<typeof Mesh>[1]): Mesh {
  const mesh = new Mesh(7, options);
  const a = mesh.add('a');
  for (const g of ['e', 'l1', 'l2', 'l3']) mesh.link('a', g);
  for (const l of ['l1', 'l2', 'l3']) a.receiveMessage({ kind: 'prune' }, l);
  return mesh;
}

function msg(mesh: Mesh, hops: number, priority: MsgFrame['priority'] = 'normal', route: MsgFrame['route'] = 'push'): MsgFrame {
  const o = mesh.add(`origin-${mesh.sent.length}`, { floodHops: 0 });
  o.addPeer('sink');
  o.broadcast(bytes(hops, 1), { priority });
  const frame = mesh.frames({ from: o.localId, kind: 'msg' }).at(-1)!.frame as MsgFrame;
  return { ...frame, hops, route };
}

describe('GossipProtocol — flood phase and priorities', () => {
  it('with floodHops 0 a normal broadcast goes down the tree only', () => {
    const mesh = star({ floodHops: 0 });
    mesh.node('a').broadcast(bytes(1));
    expect(mesh.frames({ from: 'a', kind: 'msg' }).map((s) => s.to)).toEqual(['e']);
  });

  it('the origin sends to lazy peers too (route flood) while hops < floodHops', () => {
    const mesh = star({ floodHops: 2, floodFanout: 1 });
    mesh.node('a').broadcast(bytes(1));
    const sent = mesh.frames({ from: 'a', kind: 'msg' }).map((s) => [s.to, (s.frame as MsgFrame).route]);
    expect(sent).toEqual([['e', 'push'], ['l1', 'flood'], ['l2', 'flood'], ['l3', 'flood']]);
  });

  it('on the last flood hop only floodFanout random lazy peers get it; past the phase only the tree', () => {
    const mesh = star({ floodHops: 2, floodFanout: 1 });
    const a = mesh.node('a');
    a.addPeer('parent');
    a.receiveMessage(msg(mesh, 1), 'parent');
    const lastHop = mesh.frames({ from: 'a', kind: 'msg' });
    expect(lastHop.filter((s) => (s.frame as MsgFrame).route === 'push').map((s) => s.to)).toEqual(['e']);
    const flooded = lastHop.filter((s) => (s.frame as MsgFrame).route === 'flood');
    expect(flooded).toHaveLength(1);
    expect(['l1', 'l2', 'l3']).toContain(flooded[0]!.to);

    const before = mesh.sent.length;
    a.receiveMessage(msg(mesh, 2), 'parent');
    expect(mesh.frames({ from: 'a', kind: 'msg' }, before).map((s) => s.to)).toEqual(['e']);
  });

  it('a first copy by flood is relayed down the tree as flood, and a later tree copy prunes nothing', () => {
    const mesh = star({ floodHops: 1 });
    const a = mesh.node('a');
    const frame = msg(mesh, 1, 'normal', 'flood');
    expect(a.receiveMessage(frame, 'l1')).toBe(true);
    expect(mesh.frames({ from: 'a', kind: 'msg' }).map((s) => [s.to, (s.frame as MsgFrame).route])).toEqual([['e', 'flood']]);
    expect(a.receiveMessage({ ...frame, hops: 3, route: 'push' }, 'e')).toBe(false);
    expect(a.isEager('e')).toBe(true);
    expect(mesh.frames({ from: 'a', kind: 'prune' })).toHaveLength(0);
    expect(mesh.delivered.get('a')).toHaveLength(1);
  });

  it('after a flood-first copy, one pushed tree copy is expected; a second pushed copy is a cycle and prunes', () => {
    const mesh = star({ floodHops: 1 });
    const a = mesh.node('a');
    a.addPeer('e2');
    const frame = msg(mesh, 1, 'normal', 'flood');
    a.receiveMessage(frame, 'l1');
    a.receiveMessage({ ...frame, hops: 2, route: 'push' }, 'e');
    expect(mesh.frames({ from: 'a', kind: 'prune' })).toHaveLength(0);
    a.receiveMessage({ ...frame, hops: 3, route: 'push' }, 'e2');
    expect(mesh.frames({ from: 'a', kind: 'prune' }).map((s) => s.to)).toEqual(['e2']);
    expect(a.isEager('e')).toBe(true);
    expect(a.isEager('e2')).toBe(false);
  });

  it('an eager peer whose tree copies are only duplicates, redundantAfter times in a row, is pruned', () => {
    const mesh = star({ floodHops: 0, redundantAfter: 3 });
    const a = mesh.node('a');
    a.addPeer('e2');
    /** A new message reaches a from e2 first, then from e (a duplicate from e). */
    const dupFromE = (): void => {
      const m = msg(mesh, 1, 'normal', 'flood');
      a.receiveMessage(m, 'e2');
      a.receiveMessage(m, 'e');
    };
    dupFromE();
    dupFromE();
    expect(a.isEager('e')).toBe(true); // a streak of 2
    a.receiveMessage(msg(mesh, 1, 'normal', 'flood'), 'e'); // a first copy from e: the streak restarts
    dupFromE();
    dupFromE();
    expect(a.isEager('e')).toBe(true);
    dupFromE();
    expect(a.isEager('e')).toBe(false);
    expect(a.isEager('e2')).toBe(true);
    expect(mesh.frames({ from: 'a', kind: 'prune' }).map((s) => s.to)).toEqual(['e']);
  });

  it('runs no flood phase while the estimated network is smaller than floodPhaseMinNodes', () => {
    const mesh = star({ floodHops: 2, floodFanout: 1, floodPhaseMinNodes: 64 });
    mesh.node('a').broadcast(new Uint8Array([1]));
    expect(mesh.frames({ from: 'a', kind: 'msg' }).map((s) => [s.to, (s.frame as MsgFrame).route])).toEqual([['e', 'push']]);
    // Told the network is big (e.g. by its membership layer), it floods the first hops again.
    mesh.node('a').setNetworkSizeHint(100);
    mesh.node('a').broadcast(new Uint8Array([2]));
    const routes = mesh.frames({ from: 'a', kind: 'msg' }).slice(1).map((s) => (s.frame as MsgFrame).route);
    expect(routes).toContain('flood');
  });

  it('immediate: the origin sends to every connected peer at once, whatever floodHops', () => {
    const mesh = star({ floodHops: 0 });
    const t = mesh.clock.now();
    mesh.node('a').broadcast(bytes(1), { priority: 'immediate' });
    const sent = mesh.frames({ from: 'a', kind: 'msg' });
    expect(sent.map((s) => s.to).sort()).toEqual(['e', 'l1', 'l2', 'l3']);
    for (const s of sent) expect(s.at).toBe(t);
  });

  it('immediate and critical skip the floodFanout sampling on the last flood hop', () => {
    for (const priority of ['immediate', 'critical'] as const) {
      const mesh = star({ floodHops: 2, floodFanout: 1 });
      const a = mesh.node('a');
      a.addPeer('parent');
      a.receiveMessage(msg(mesh, 1, priority), 'parent');
      expect(mesh.frames({ from: 'a', kind: 'msg' }).map((s) => s.to).sort()).toEqual(['e', 'l1', 'l2', 'l3']);
    }
  });

  it('relays forward on receipt, without waiting for a round (no timers needed)', () => {
    const mesh = new Mesh(2, { floodHops: 0 });
    for (const id of ['a', 'b', 'c']) mesh.add(id);
    mesh.link('a', 'b');
    mesh.link('b', 'c');
    mesh.node('a').broadcast(bytes(4), { priority: 'immediate' });
    // Nothing is started: only link latency (10 ms per hop) separates the deliveries.
    mesh.run(20);
    expect(mesh.delivered.get('b')).toHaveLength(1);
    expect(mesh.delivered.get('c')).toHaveLength(1);
  });
});
