import { describe, expect, it } from 'vitest';
import { ChunkReassembler, chunkFrame, isChunk } from '../../src/wire/chunking.js';
import { WireError } from '../../src/wire/errors.js';
import { CHUNK_HEADER_BYTES, DEFAULT_CHUNK_BYTES } from '../../src/wire/limits.js';
import { SeededRandom } from '../../src/core/random.js';

const random = new SeededRandom('chunking');
const frameOf = (n: number): Uint8Array => {
  const f = random.bytes(n);
  f[0] = 0x9a; // whole frames start with a msgpack array header, never 0xC1
  return f;
};

function chunk(transferId: number, index: number, count: number, body: number[]): Uint8Array {
  return new Uint8Array([0xc1, 0, 0, 0, transferId, index >> 8, index & 0xff, count >> 8, count & 0xff, ...body]);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WireError);
    return (err as WireError).code;
  }
  throw new Error('expected a WireError');
}

describe('chunkFrame', () => {
  it('sends a frame that fits whole, unchunked', () => {
    const f = frameOf(DEFAULT_CHUNK_BYTES);
    expect(chunkFrame(f, 1)).toEqual([f]);
    expect(isChunk(f)).toBe(false);
  });

  it('splits into messages of at most maxChunkBytes with the documented header', () => {
    const f = frameOf(100_000);
    const chunks = chunkFrame(f, 0x01020304, 16_384);
    expect(chunks.length).toBe(Math.ceil(100_000 / (16_384 - CHUNK_HEADER_BYTES)));
    for (const [i, c] of chunks.entries()) {
      expect(c.length).toBeLessThanOrEqual(16_384);
      expect(Array.from(c.subarray(0, 9))).toEqual([0xc1, 1, 2, 3, 4, i >> 8, i & 0xff, chunks.length >> 8, chunks.length & 0xff]);
    }
  });
});

describe('ChunkReassembler', () => {
  it('reassembles chunks in any order, interleaved with other transfers and whole frames', () => {
    const r = new ChunkReassembler();
    const a = frameOf(50_000);
    const b = frameOf(40_000);
    const ca = chunkFrame(a, 1, 4096).reverse();
    const cb = chunkFrame(b, 2, 4096);
    const done: Uint8Array[] = [];
    const whole = frameOf(100);
    for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
      for (const c of [ca[i], cb[i]]) {
        if (c === undefined) continue;
        const out = r.push(c, i);
        if (out) done.push(out);
      }
      if (i === 3) expect(r.push(whole, i)).toBe(whole);
    }
    expect(done).toEqual([b, a]);
    expect(r.stats()).toEqual({ completed: 2, evicted: 0, expired: 0, badChunks: 0, inFlight: 0, bytesHeld: 0 });
  });

  it('rejects inconsistent chunks as bad_chunk and keeps working', () => {
    const r = new ChunkReassembler({ maxFrameBytes: 100 });
    expect(codeOf(() => r.push(chunk(1, 0, 0, [1]), 0))).toBe('bad_chunk'); // count 0
    expect(codeOf(() => r.push(chunk(1, 2, 2, [1]), 0))).toBe('bad_chunk'); // index ≥ count
    expect(codeOf(() => r.push(chunk(1, 0, 2, []), 0))).toBe('bad_chunk'); // no data
    expect(r.push(chunk(1, 0, 3, [1]), 0)).toBeNull();
    expect(codeOf(() => r.push(chunk(1, 0, 3, [1]), 0))).toBe('bad_chunk'); // duplicate (drops transfer 1)
    expect(r.push(chunk(2, 0, 3, [1]), 0)).toBeNull();
    expect(codeOf(() => r.push(chunk(2, 1, 4, [1]), 0))).toBe('bad_chunk'); // count mismatch
    expect(codeOf(() => r.push(chunk(3, 0, 2, new Array(101).fill(7)), 0))).toBe('bad_chunk'); // over maxFrameBytes
    expect(codeOf(() => r.push(chunk(3, 0, 60_000, [1]), 0))).toBe('bad_chunk'); // over MAX_CHUNKS_PER_TRANSFER
    expect(r.stats()).toMatchObject({ badChunks: 7, inFlight: 0, bytesHeld: 0 });
    expect(r.push(chunk(4, 1, 2, [2]), 1)).toBeNull();
    expect(Array.from(r.push(chunk(4, 0, 2, [1]), 1)!)).toEqual([1, 2]);
  });

  it('bounds reassemblies in flight, evicting the oldest', () => {
    const r = new ChunkReassembler({ maxInFlight: 3 });
    for (let t = 1; t <= 5; t++) r.push(chunk(t, 0, 2, [t]), t);
    expect(r.stats()).toMatchObject({ inFlight: 3, evicted: 2, bytesHeld: 3 });
    // Transfers 1 and 2 were evicted: their second chunk starts a new, incomplete reassembly.
    expect(r.push(chunk(1, 1, 2, [9]), 6)).toBeNull();
    expect(Array.from(r.push(chunk(5, 1, 2, [9]), 6)!)).toEqual([5, 9]);
  });

  it('bounds bytes held, evicting the oldest', () => {
    const r = new ChunkReassembler({ maxBytes: 10 });
    r.push(chunk(1, 0, 2, [1, 1, 1, 1]), 0);
    r.push(chunk(2, 0, 2, [2, 2, 2, 2]), 0);
    expect(r.stats()).toMatchObject({ inFlight: 2, bytesHeld: 8, evicted: 0 });
    r.push(chunk(3, 0, 2, [3, 3, 3, 3]), 0);
    expect(r.stats()).toMatchObject({ inFlight: 2, bytesHeld: 8, evicted: 1 });
  });

  it('expires reassemblies older than timeoutMs', () => {
    const r = new ChunkReassembler({ timeoutMs: 1000 });
    r.push(chunk(1, 0, 2, [1]), 0);
    r.push(chunk(2, 0, 2, [2]), 500);
    r.expire(1000);
    expect(r.stats()).toMatchObject({ inFlight: 2, expired: 0 });
    r.push(chunk(3, 0, 2, [3]), 1001);
    expect(r.stats()).toMatchObject({ inFlight: 2, expired: 1, bytesHeld: 2 });
    r.expire(1501);
    expect(r.stats()).toMatchObject({ inFlight: 1, expired: 2 });
  });
});
