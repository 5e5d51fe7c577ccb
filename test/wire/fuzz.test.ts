/**
 * Fuzz: 120,000 hostile inputs (fixed seed) through decodeFrame, one FrameStreamDecoder and one
 * ChunkReassembler. Only WireError may be thrown, whatever the input, and the same instances keep decoding
 * valid frames afterwards. Whatever decodeFrame accepts must re-encode to an equal frame.
 */
import { Encoder, decode as decodeRaw } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { ChunkReassembler, chunkFrame } from '../../src/wire/chunking.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { WireError, type WireErrorCode } from '../../src/wire/errors.js';
import type { Frame } from '../../src/wire/frames.js';
import { FrameStreamDecoder, encodeLengthPrefixed } from '../../src/wire/stream.js';
import { anyFrame } from './arbitraries.js';

const INPUTS = 120_000;
const random = new SeededRandom('wire-fuzz');
const raw = new Encoder();
/** The positional form of a valid frame, to mutate field by field. */
const rawDecode = (b: Uint8Array): unknown[] => decodeRaw(b) as unknown[];

const validFrames: Frame[] = fc.sample(anyFrame, { numRuns: 300, seed: 42 });
const validBytes = validFrames.map(encodeFrame);

const hostileValues: unknown[] = [
  null, true, false, 0, -1, -(2 ** 31), 2 ** 32, 2 ** 53, 1.5, Number.NaN, Infinity, -Infinity, '', 'x',
  '__proto__', 'a'.repeat(300), new Uint8Array(0), new Uint8Array(15), new Uint8Array(17), new Uint8Array(300),
  [], [1, 2, 3], [[[]]], ['__proto__'], {}, { __proto__: { polluted: 1 } }, { constructor: { prototype: { polluted: 1 } } },
  { toString: 1, valueOf: 2, hasOwnProperty: 3 }, Object.fromEntries([['__proto__', { polluted: 1 }]]),
];

const hugeHeaders: number[][] = [
  [0xdd, 0xff, 0xff, 0xff, 0xff], [0xdc, 0xff, 0xff], [0xc6, 0xff, 0xff, 0xff, 0xff], [0xdb, 0x7f, 0xff, 0xff, 0xff],
  [0xdf, 0xff, 0xff, 0xff, 0xff], [0xc9, 0xff, 0xff, 0xff, 0xff, 1], [0xda, 0xff, 0xff],
];

const pick = <T>(xs: readonly T[]): T => xs[random.int(xs.length)]!;

function randomBytes(): Uint8Array {
  const b = random.bytes(random.int(48));
  if (b.length > 0 && random.next() < 0.5) b[0] = 0x90 + random.int(16); // look like an array often
  return b;
}

function mutateFields(): Uint8Array {
  const fields = rawDecode(pick(validBytes));
  const n = 1 + random.int(2);
  for (let i = 0; i < n; i++) {
    const at = random.int(fields.length + 2);
    if (random.next() < 0.1) fields.length = at; // drop trailing fields
    else fields[at] = pick(hostileValues);
  }
  return raw.encode(random.next() < 0.05 ? Object.fromEntries(Array.from(fields, (v, i) => [String(i), v])) : fields);
}

function hostileInput(i: number): Uint8Array {
  const base = validBytes[i % validBytes.length]!;
  switch (i % 6) {
    case 0:
      return randomBytes();
    case 1:
      return base.subarray(0, random.int(base.length)); // truncation
    case 2: {
      const b = base.slice();
      for (let k = 1 + random.int(3); k > 0; k--) b[random.int(b.length)]! ^= 1 << random.int(8); // bit flips
      return b;
    }
    case 3:
      return mutateFields();
    case 4: {
      const header = pick(hugeHeaders);
      const out = new Uint8Array(3 + header.length + random.int(8));
      out.set([0x93, 0x01, 1 + random.int(40)]);
      out.set(header, 3);
      return out;
    }
    default: {
      // A valid frame with a byte inserted or removed.
      const at = random.int(base.length);
      const out = new Uint8Array(base.length + 1);
      out.set(base.subarray(0, at));
      out[at] = random.int(256);
      out.set(base.subarray(at), at + 1);
      return random.next() < 0.5 ? out : base.subarray(1);
    }
  }
}

function onlyWireErrors(fn: () => void, codes: Map<WireErrorCode, number>): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
  }
}

describe('fuzz', () => {
  it(`${INPUTS} hostile inputs: only WireError, and the same instances keep decoding`, () => {
    const codes = new Map<WireErrorCode, number>();
    const stream = new FrameStreamDecoder({
      maxFrameBytes: 64 * 1024,
      onFrameError: (err) => {
        if (!(err instanceof WireError)) throw err;
      },
    });
    const reassembler = new ChunkReassembler({ maxFrameBytes: 64 * 1024, maxInFlight: 8, maxBytes: 256 * 1024 });
    let accepted = 0;

    for (let i = 0; i < INPUTS; i++) {
      const input = hostileInput(i);

      onlyWireErrors(() => {
        const f = decodeFrame(input);
        accepted++;
        expect(decodeFrame(encodeFrame(f))).toEqual(f); // what we accept is a valid frame
      }, codes);

      // The stream decoder: well-framed hostile bodies, and now and then a raw hostile byte run.
      onlyWireErrors(() => {
        stream.push(i % 10 === 0 ? input : encodeLengthPrefixed(input.length > 0 ? input : new Uint8Array([0xc1])));
      }, codes);

      // The reassembler: hostile bytes as a chunk, and as the body of a valid chunk header.
      const asChunk = new Uint8Array(input.length + 1);
      asChunk[0] = 0xc1;
      asChunk.set(input, 1);
      onlyWireErrors(() => reassembler.push(asChunk, i), codes);
      if (input.length > 0) {
        for (const c of chunkFrame(input, random.nextU32(), 10 + random.int(20))) onlyWireErrors(() => reassembler.push(c, i), codes);
      }

      if (i % 1000 === 999) {
        const frame = validFrames[i % validFrames.length]!;
        const bytes = validBytes[i % validBytes.length]!;
        expect(decodeFrame(bytes)).toEqual(frame);
        stream.reset(); // a garbage prefix desyncs the stream for good: reset, as a caller would
        expect(stream.push(encodeLengthPrefixed(bytes))).toEqual([frame]);
        let out: Uint8Array | null = null;
        for (const c of chunkFrame(bytes, 0xffffffff - i, 64)) out = reassembler.push(c, i) ?? out;
        expect(out).toEqual(bytes);
      }
    }

    // Every kind of error was exercised, and some mutated inputs were still valid frames.
    for (const code of ['malformed', 'bad_field', 'bad_version', 'unknown_kind', 'too_large', 'bad_chunk'] as const) {
      expect(codes.get(code) ?? 0).toBeGreaterThan(0);
    }
    expect(accepted).toBeGreaterThan(0);
    expect(reassembler.stats().bytesHeld).toBeLessThanOrEqual(256 * 1024);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
