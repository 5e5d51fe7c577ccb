import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { DEFLATE_CAPABILITY, deflateRaw, inflateRaw } from '../../src/relay/gossip-compression.js';
import { isWireError } from '../../src/wire/errors.js';
import type { MsgFrame } from '../../src/wire/frames.js';
import { Mesh } from './gossip-harness.js';

const D = [DEFLATE_CAPABILITY];

/** A compressible payload (text-like) of `n` bytes. */
function compressible(n: number): Uint8Array {
  const text = 'the quick brown fox jumps over the lazy dog; ';
  return Uint8Array.from({ length: n }, (_, i) => text.charCodeAt(i % text.length));
}

/**
 * Runs virtual time and lets the async (de)compression settle, alternately, until `done` holds (or
 * `rounds` passes when there is no condition). Real time is only waited on here, never asserted.
 */
async function pump(mesh: Mesh, done?: () => boolean, rounds = 20): Promise<void> {
  for (let i = 0; i < (done ? 500 : rounds); i++) {
    mesh.run(10);
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (done?.()) return;
  }
}

const deliveredAt = (mesh: Mesh, ...ids: string[]) => (): boolean => ids.every((id) => mesh.delivered.get(id)!.length > 0);

describe('gossip compression', () => {
  it('deflateRaw / inflateRaw round-trip', async () => {
    const payload = compressible(10_000);
    const deflated = await deflateRaw(payload);
    expect(deflated.length).toBeLessThan(payload.length / 5);
    expect(await inflateRaw(deflated, 1 << 20)).toEqual(payload);
  });

  it('inflateRaw rejects bad data and stops at the size limit (typed errors)', async () => {
    const bad = await inflateRaw(Uint8Array.from([0xff, 0xff, 0xff, 0x00, 0x12]), 1 << 20).catch((e: unknown) => e);
    expect(isWireError(bad) && bad.code).toBe('malformed');
    const bomb = await deflateRaw(new Uint8Array(1 << 20));
    const big = await inflateRaw(bomb, 4096).catch((e: unknown) => e);
    expect(isWireError(big) && big.code).toBe('too_large');
  });

  it('refuses a compressed broadcast larger than receivers would inflate (seen everywhere, delivered nowhere)', async () => {
    const mesh = new Mesh(3, { limits: { maxInflatedBytes: 4096 } });
    const a = mesh.add('a');
    await expect(a.broadcastCompressed(compressible(5000))).rejects.toThrow(/maxInflatedBytes/);
    expect(a.getStats().broadcasts).toBe(0);
  });

  it('negotiates per peer: a deflate peer gets the deflated msg, a peer without it gets raw bytes; both deliver the original', async () => {
    const mesh = new Mesh(1, { floodHops: 0 });
    const a = mesh.add('a');
    mesh.add('d'); // announces deflate
    mesh.add('r'); // does not
    mesh.link('a', 'd', { a: D, d: D });
    mesh.link('a', 'r', { a: D });
    const payload = compressible(8_000);
    await a.broadcastCompressed(payload);
    await pump(mesh, deliveredAt(mesh, 'd', 'r'));
    const toD = mesh.frames({ from: 'a', to: 'd', kind: 'msg' }).map((s) => s.frame as MsgFrame);
    const toR = mesh.frames({ from: 'a', to: 'r', kind: 'msg' }).map((s) => s.frame as MsgFrame);
    expect(toD).toHaveLength(1);
    expect(toD[0]!.encoding).toBe('deflate');
    expect(toD[0]!.payload.length).toBeLessThan(payload.length / 5);
    expect(toR).toHaveLength(1);
    expect(toR[0]!.encoding).toBe('raw');
    expect(toR[0]!.payload).toEqual(payload);
    expect(mesh.delivered.get('d')!.map((m) => m.payload)).toEqual([payload]);
    expect(mesh.delivered.get('r')!.map((m) => m.payload)).toEqual([payload]);
    expect(a.getStats()).toMatchObject({ compressedBroadcasts: 1, transcoded: 1 });
  });

  it('a relay never recompresses: it forwards the deflated bytes, and transcodes only for peers without deflate', async () => {
    const mesh = new Mesh(2, { floodHops: 0 });
    const a = mesh.add('a');
    const b = mesh.add('b');
    mesh.add('c');
    mesh.add('e');
    mesh.link('a', 'b', { a: D, b: D });
    mesh.link('b', 'c', { b: D, c: D });
    mesh.link('b', 'e', { b: D });
    const payload = compressible(4_000);
    await a.broadcastCompressed(payload);
    await pump(mesh, deliveredAt(mesh, 'b', 'c', 'e'));
    const fromA = mesh.frames({ from: 'a', kind: 'msg' })[0]!.frame as MsgFrame;
    const toC = mesh.frames({ from: 'b', to: 'c', kind: 'msg' })[0]!.frame as MsgFrame;
    const toE = mesh.frames({ from: 'b', to: 'e', kind: 'msg' })[0]!.frame as MsgFrame;
    expect(toC.encoding).toBe('deflate');
    expect(toC.payload).toEqual(fromA.payload);
    expect(toE.encoding).toBe('raw');
    expect(toE.payload).toEqual(payload);
    for (const id of ['b', 'c', 'e']) expect(mesh.delivered.get(id)!.map((m) => m.payload)).toEqual([payload]);
    expect(b.getStats().transcoded).toBe(1);
  });

  it('does not compress at or below the threshold, nor when deflate would not shrink the payload', async () => {
    const mesh = new Mesh(3, { floodHops: 0, compressionThreshold: 1024 });
    const a = mesh.add('a');
    mesh.add('d');
    mesh.link('a', 'd', { a: D, d: D });
    await a.broadcastCompressed(compressible(1024));
    await a.broadcastCompressed(new SeededRandom(5).bytes(4096)); // incompressible
    await pump(mesh, undefined, 3);
    const sent = mesh.frames({ from: 'a', kind: 'msg' }).map((s) => (s.frame as MsgFrame).encoding);
    expect(sent).toEqual(['raw', 'raw']);
    expect(a.getStats().compressedBroadcasts).toBe(0);
  });

  it('a deflated payload that does not inflate (or inflates past the limit) is counted, not delivered', async () => {
    const mesh = new Mesh(4, { floodHops: 0, limits: { maxInflatedBytes: 10_000 } });
    const n = mesh.add('n');
    n.addPeer('p', D);
    const src = mesh.add('src', { floodHops: 0, limits: { maxInflatedBytes: 1_000_000 } }); // a sender with a larger bound than n's
    src.addPeer('sink', D);
    await src.broadcastCompressed(compressible(2_000));
    const good = mesh.frames({ from: 'src', kind: 'msg' })[0]!.frame as MsgFrame;
    await src.broadcastCompressed(compressible(50_000)); // inflates past n's limit
    const bomb = mesh.frames({ from: 'src', kind: 'msg' })[1]!.frame as MsgFrame;
    const garbled: MsgFrame = { ...good, id: Uint8Array.from({ length: 16 }, () => 7), payload: Uint8Array.from([0xff, 0xfe, 1, 2]) };
    expect(n.receiveMessage(garbled, 'p')).toBe(true);
    expect(n.receiveMessage(bomb, 'p')).toBe(true);
    expect(n.receiveMessage(good, 'p')).toBe(true);
    await pump(mesh, () => n.getStats().inflateFailures === 2 && mesh.delivered.get('n')!.length === 1);
    expect(n.getStats().inflateFailures).toBe(2);
    expect(mesh.delivered.get('n')!.map((m) => m.payload)).toEqual([compressible(2_000)]);
  });
});
