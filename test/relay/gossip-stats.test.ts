import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relayFrameSize } from '../../src/relay/gossip-frame-size.js';
import type { RelayFrame } from '../../src/relay/types.js';
import { encodeFrame } from '../../src/wire/codec.js';
import { PRIORITIES, RELAY_MODES, ROUTES } from '../../src/wire/frames.js';
import { bytes, Mesh } from './gossip-harness.js';

const id = fc.uint8Array({ minLength: 16, maxLength: 16 });
const ids = fc.array(id, { maxLength: 70 });
const peerId = fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.constantFrom('n1', 'é-node', '节点'));

const relayFrame: fc.Arbitrary<RelayFrame> = fc.oneof(
  fc.record({
    kind: fc.constant('msg' as const),
    id,
    origin: peerId,
    seq: fc.oneof(fc.nat(300), fc.nat(0xffffffff)),
    hops: fc.nat(255),
    priority: fc.constantFrom(...PRIORITIES),
    route: fc.constantFrom(...ROUTES),
    encoding: fc.constantFrom('raw' as const, 'deflate' as const),
    payload: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(new Uint8Array(70_000), new Uint8Array(255), new Uint8Array(256))),
  }),
  fc.record({ kind: fc.constantFrom('ihave' as const, 'iwant' as const, 'digest' as const, 'graft' as const), ids }),
  fc.constant({ kind: 'prune' as const }),
  fc.record({ kind: fc.constant('mode' as const), mode: fc.constantFrom(...RELAY_MODES), epoch: fc.nat(0xffffffff), origin: peerId }),
);

describe('gossip byte accounting', () => {
  it('relayFrameSize(frame) equals encodeFrame(frame).length', () => {
    fc.assert(
      fc.property(relayFrame, fc.option(fc.uint8Array({ maxLength: 256 }), { nil: undefined }), (frame, signature) => {
        const f = frame.kind === 'msg' && signature !== undefined ? { ...frame, signature } : frame;
        expect(relayFrameSize(f)).toBe(encodeFrame(f).length);
      }),
      { numRuns: 500 },
    );
  });

  it('getStats() byte counters equal the encoded sizes of the frames sent and received', () => {
    const mesh = new Mesh(11, { pushPullRatio: 0.5, floodHops: 0 });
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const n of names) mesh.add(n);
    for (let i = 0; i < names.length; i++) mesh.link(names[i]!, names[(i + 1) % names.length]!);
    mesh.link('a', 'e');
    mesh.link('c', 'g');
    // Lose every 7th msg frame so that repair (ihave, graft, iwant) shows up in the counts too.
    let msgs = 0;
    mesh.drop = (s) => s.frame.kind === 'msg' && ++msgs % 7 === 0;
    for (const n of names) mesh.node(n).start();
    for (let i = 0; i < 12; i++) {
      mesh.node(names[i % names.length]!).broadcast(new Uint8Array(100 + i * 50).fill(i));
      mesh.run(300);
    }
    mesh.run(5_000);
    for (const n of names) mesh.node(n).stop();
    mesh.run(1_000);
    const kinds = new Set(mesh.sent.map((s) => s.frame.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['digest', 'graft', 'ihave', 'msg', 'prune']));
    for (const n of names) {
      const s = mesh.node(n).getStats();
      const sum = (filter: (x: (typeof mesh.sent)[number]) => boolean): number =>
        mesh.sent.filter(filter).reduce((t, x) => t + x.bytes, 0);
      expect(s.payloadBytesOut).toBe(sum((x) => x.from === n && x.frame.kind === 'msg'));
      expect(s.controlBytesOut).toBe(sum((x) => x.from === n && x.frame.kind !== 'msg'));
      expect(s.payloadBytesIn).toBe(sum((x) => x.to === n && !x.lost && x.frame.kind === 'msg'));
      expect(s.controlBytesIn).toBe(sum((x) => x.to === n && !x.lost && x.frame.kind !== 'msg'));
      expect(s.payloadBytesOut).toBeGreaterThan(0);
    }
  });

  it('getStats() reports the state sizes', () => {
    const mesh = new Mesh(1, { floodHops: 0 });
    const a = mesh.add('a');
    a.addPeer('p');
    a.addPeer('q');
    a.receiveMessage({ kind: 'prune' }, 'q');
    a.broadcast(bytes(1));
    a.broadcast(bytes(2));
    expect(a.getStats()).toMatchObject({
      messageCount: 2,
      seenCount: 2,
      peerCount: 2,
      activePeerCount: 2,
      eagerPeerCount: 1,
      lazyPeerCount: 1,
      broadcasts: 2,
      duplicates: 0,
    });
  });
});

describe('relay code reads no host time or randomness', () => {
  it('src/relay/gossip*.ts never uses Math.random, Date.now, performance.now or host timers', () => {
    const dir = join(import.meta.dirname, '../../src/relay');
    const files = readdirSync(dir).filter((f) => f.startsWith('gossip') && f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const code = readFileSync(join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(code, f).not.toMatch(/Math\.random|Date\.now|performance\.now|setTimeout|setInterval|node:/);
    }
  });
});
