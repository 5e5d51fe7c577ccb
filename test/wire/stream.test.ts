import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/wire/codec.js';
import { WireError } from '../../src/wire/errors.js';
import type { Frame } from '../../src/wire/frames.js';
import { LENGTH_PREFIX_BYTES } from '../../src/wire/limits.js';
import {
  FrameStreamDecoder,
  StreamFramer,
  encodeLengthPrefixed,
  encodeLengthPrefixedBatch,
  lengthPrefixedParts,
} from '../../src/wire/stream.js';
import { anyFrame } from './arbitraries.js';

const frames: Frame[] = [
  { kind: 'hello', peerId: 'a', version: 1, role: 'server', capabilities: ['deflate'] },
  { kind: 'ping', nonce: 1, time: 12.5 },
  {
    kind: 'msg', id: new Uint8Array(16).fill(3), origin: 'a', seq: 1, hops: 0, priority: 'normal', route: 'flood',
    encoding: 'raw', payload: new Uint8Array(300).map((_, i) => i),
  },
  { kind: 'prune' },
  { kind: 'bye', code: 1, reason: 'shutdown' },
];
const stream = encodeLengthPrefixedBatch(frames.map(encodeFrame));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

describe('length prefix', () => {
  it('is 4 bytes big-endian, and the batch helpers agree with the single one', () => {
    const f = encodeFrame(frames[2]!);
    const one = encodeLengthPrefixed(f);
    expect(Array.from(one.subarray(0, LENGTH_PREFIX_BYTES))).toEqual([0, 0, f.length >>> 8, f.length & 0xff]);
    const encoded = frames.map(encodeFrame);
    expect(concat(lengthPrefixedParts(encoded))).toEqual(stream);
    expect(concat(encoded.map(encodeLengthPrefixed))).toEqual(stream);
  });
});

describe('FrameStreamDecoder', () => {
  it('decodes every two-way split of a multi-frame stream to the same frames', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameStreamDecoder();
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(got).toEqual(frames);
      expect(d.bufferedBytes).toBe(0);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const d = new FrameStreamDecoder();
    const got: Frame[] = [];
    for (let i = 0; i < stream.length; i++) got.push(...d.push(stream.subarray(i, i + 1)));
    expect(got).toEqual(frames);
  });

  it('decodes any random split of random frames (property)', () => {
    fc.assert(
      fc.property(fc.array(anyFrame, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (fs, cuts) => {
        const bytes = encodeLengthPrefixedBatch(fs.map(encodeFrame));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const d = new FrameStreamDecoder();
        const got: Frame[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          got.push(...d.push(bytes.slice(prev, p)));
          prev = p;
        }
        expect(got).toEqual(fs);
      }),
      { numRuns: 100, seed: 5 },
    );
  });

  it('skips a frame that does not decode, reports it, and stays in sync', () => {
    const errors: string[] = [];
    const d = new FrameStreamDecoder({ onFrameError: (e) => errors.push(e.code) });
    const unknown = new Uint8Array([0x92, 0x01, 0x63]); // [1, 99]
    const garbage = new Uint8Array([0xc1, 0xc1]);
    const bytes = encodeLengthPrefixedBatch([encodeFrame(frames[0]!), unknown, garbage, encodeFrame(frames[1]!)]);
    expect(d.push(bytes)).toEqual([frames[0], frames[1]]);
    expect(errors).toEqual(['unknown_kind', 'malformed']);
    expect(d.stats()).toEqual({ frames: 2, frameErrors: { unknown_kind: 1, malformed: 1 } });
  });
});

describe('StreamFramer limits', () => {
  it('rejects a declared length over maxFrameBytes before buffering the body', () => {
    const framer = new StreamFramer({ maxFrameBytes: 1000 });
    const header = new Uint8Array([0x7f, 0xff, 0xff, 0xff]);
    expect(() => framer.push(header.subarray(0, 3))).not.toThrow();
    expect(framer.bufferedBytes).toBe(3);
    let err: unknown;
    try {
      framer.push(concat([header.subarray(3), new Uint8Array(500)]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WireError);
    expect((err as WireError).code).toBe('too_large');
    expect(framer.bufferedBytes).toBe(0);
  });

  it('holds no more than twice what it received of a large frame', () => {
    const framer = new StreamFramer();
    framer.push(new Uint8Array([0x00, 0x0f, 0x00, 0x00])); // declares 983,040 bytes
    framer.push(new Uint8Array(10));
    expect(framer.bufferedBytes).toBe(10);
    const held = (framer as unknown as { body: Uint8Array }).body.length;
    expect(held).toBeLessThanOrEqual(4096);
  });

  it('a zero length is malformed; the framer is poisoned until reset(), then decodes again', () => {
    const framer = new StreamFramer();
    const codes: string[] = [];
    for (let i = 0; i < 2; i++) {
      try {
        framer.push(new Uint8Array([0, 0, 0, 0]));
      } catch (e) {
        codes.push((e as WireError).code);
      }
    }
    try {
      framer.push(encodeLengthPrefixed(encodeFrame(frames[1]!)));
    } catch (e) {
      codes.push((e as WireError).code);
    }
    expect(codes).toEqual(['malformed', 'malformed', 'malformed']);
    framer.reset();
    const f = encodeFrame(frames[1]!);
    expect(framer.push(encodeLengthPrefixed(f))).toEqual([f]);
  });
});
