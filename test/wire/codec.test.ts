import { Encoder, decode as msgpackDecode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeFrameView, frameKindOf } from '../../src/wire/codec.js';
import { WireError } from '../../src/wire/errors.js';
import { KIND_CODES, PROTOCOL_VERSION, type Frame, type MsgFrame } from '../../src/wire/frames.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_EXTRA_FIELDS,
  MAX_IDS_PER_FRAME,
  MAX_PEER_ID_LENGTH,
  MAX_RECORDS_PER_FRAME,
} from '../../src/wire/limits.js';
import { MessageIdFactory } from '../../src/wire/ids.js';
import { encodeLengthPrefixed } from '../../src/wire/stream.js';
import { ALL_KINDS, anyFrame, frameArbitraries } from './arbitraries.js';

const raw = new Encoder();
/** msgpack bytes of any value, bypassing encodeFrame's checks (to build hostile input). */
const pack = (v: unknown): Uint8Array => raw.encode(v);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WireError);
    return (err as WireError).code;
  }
  throw new Error('expected a WireError');
}

const ID = new Uint8Array(16).fill(9);
const msg: MsgFrame = {
  kind: 'msg', id: ID, origin: 'alice', seq: 7, hops: 2, priority: 'immediate', route: 'push', encoding: 'raw',
  payload: new Uint8Array([1, 2, 3]),
};
/** The positional wire form of `msg`, for mutation. */
const msgFields = (): unknown[] => [PROTOCOL_VERSION, KIND_CODES.msg, ID, 'alice', 7, 2, 1, 1, 0, new Uint8Array([1, 2, 3])];

describe('round trip (property, every kind)', () => {
  for (const kind of ALL_KINDS) {
    it(kind, () => {
      fc.assert(
        fc.property(frameArbitraries[kind] as fc.Arbitrary<Frame>, (frame) => {
          const bytes = encodeFrame(frame);
          expect(decodeFrame(bytes)).toEqual(frame);
          expect(frameKindOf(bytes)).toBe(KIND_CODES[kind]);
        }),
        { numRuns: 150, seed: 2 },
      );
    });
  }
});

describe('standard msgpack', () => {
  it('encodeFrame writes exactly what @msgpack/msgpack writes for the positional form (shortest forms)', () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        const bytes = encodeFrame(frame);
        expect(raw.encode(msgpackDecode(bytes))).toEqual(bytes);
      }),
      { numRuns: 500, seed: 3 },
    );
  });

  it('matches the worked examples of docs/PROTOCOL.md', () => {
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    const ping = encodeFrame({ kind: 'ping', nonce: 42, time: 1763700000000 });
    expect(hex(ping)).toBe('9401022acf0000019aa4b64500');
    expect(hex(encodeLengthPrefixed(ping))).toBe('0000000d' + '9401022acf0000019aa4b64500');
    expect(hex(encodeFrame({ kind: 'pong', nonce: 42, time: 1.5 }))).toBe('9401032acb3ff8000000000000');
    const { id, seq } = new MessageIdFactory('alice', 0x01020304).next();
    const m = encodeFrame({
      kind: 'msg', id, origin: 'alice', seq, hops: 3, priority: 'immediate', route: 'push', encoding: 'raw',
      payload: new TextEncoder().encode('hi'),
    });
    expect(hex(m)).toBe('9a0104c410508b2abb65a039070102030400000000a5616c696365000301010' + '0c4026869');
  });
});

describe('liberal in what it accepts', () => {
  it('reads non-shortest msgpack forms and integral floats written by other implementations', () => {
    const enc = new TextEncoder();
    const bytes = new Uint8Array([
      0xdc, 0x00, 0x0a, // array 16 of 10
      0xce, 0, 0, 0, 1, // version 1 as uint 32
      0xcb, ...new Uint8Array(new Float64Array([4]).buffer).reverse(), // kind 4 as float 64
      0xc6, 0, 0, 0, 16, ...ID, // id as bin 32
      0xdb, 0, 0, 0, 5, ...enc.encode('alice'), // origin as str 32
      0xcd, 0, 7, // seq 7 as uint 16
      0xd0, 2, // hops 2 as int 8
      0xca, ...new Uint8Array(new Float32Array([1]).buffer).reverse(), // priority 1 as float 32
      0x01, 0x00, // route, encoding
      0xc5, 0, 3, 1, 2, 3, // payload as bin 16
    ]);
    // Field 7 (route) is 1 = push in msg; encoding 0 = raw.
    expect(decodeFrame(bytes)).toEqual({ ...msg, seq: 7, route: 'push', priority: 'immediate' });
  });
});

describe('envelope errors are distinct', () => {
  it('bad_version for another protocol version', () => {
    expect(codeOf(() => decodeFrame(pack([2, KIND_CODES.ping, 1, 1])))).toBe('bad_version');
    expect(codeOf(() => decodeFrame(pack([0, KIND_CODES.ping, 1, 1])))).toBe('bad_version');
  });

  it('unknown_kind (with the kind number) for a well-formed envelope of an unknown kind', () => {
    const err = (() => {
      try {
        decodeFrame(pack([PROTOCOL_VERSION, 99, 'anything', [1, 2]]));
      } catch (e) {
        return e as WireError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(WireError);
    expect(err.code).toBe('unknown_kind');
    expect(err.kindCode).toBe(99);
  });

  it('malformed for garbage, non-arrays, truncation and trailing bytes', () => {
    expect(codeOf(() => decodeFrame(new Uint8Array([0xc1])))).toBe('malformed');
    expect(codeOf(() => decodeFrame(new Uint8Array([])))).toBe('malformed');
    expect(codeOf(() => decodeFrame(pack('hello')))).toBe('malformed');
    expect(codeOf(() => decodeFrame(pack([PROTOCOL_VERSION])))).toBe('malformed');
    expect(codeOf(() => decodeFrame(pack(['1', KIND_CODES.ping, 1, 1])))).toBe('malformed');
    const good = encodeFrame(msg);
    expect(codeOf(() => decodeFrame(good.subarray(0, good.length - 1)))).toBe('malformed');
    const trailing = new Uint8Array(good.length + 1);
    trailing.set(good);
    expect(codeOf(() => decodeFrame(trailing))).toBe('malformed');
  });

  it('too_large over maxFrameBytes (default 1 MiB, configurable), checked before decoding', () => {
    const big = encodeFrame({ ...msg, payload: new Uint8Array(DEFAULT_MAX_FRAME_BYTES) });
    expect(codeOf(() => decodeFrame(big))).toBe('too_large');
    expect(decodeFrame(big, { maxFrameBytes: 2 * DEFAULT_MAX_FRAME_BYTES }).kind).toBe('msg');
    expect(codeOf(() => decodeFrame(encodeFrame(msg), { maxFrameBytes: 10 }))).toBe('too_large');
    // Garbage of an oversize length is too_large, not malformed: the size check comes first.
    expect(codeOf(() => decodeFrame(new Uint8Array(11), { maxFrameBytes: 10 }))).toBe('too_large');
  });
});

describe('forward compatibility', () => {
  it('skips up to MAX_EXTRA_FIELDS trailing fields, of any type', () => {
    const extra = Array.from({ length: MAX_EXTRA_FIELDS }, (_, i) => (i % 2 ? [i, 'x'] : i));
    expect(decodeFrame(pack([...msgFields(), new Uint8Array(4), ...extra.slice(1)]))).toEqual({
      ...msg,
      signature: new Uint8Array(4),
    });
    expect(decodeFrame(pack([PROTOCOL_VERSION, KIND_CODES.ping, 5, 6, ...extra]))).toEqual({ kind: 'ping', nonce: 5, time: 6 });
    expect(codeOf(() => decodeFrame(pack([PROTOCOL_VERSION, KIND_CODES.ping, 5, 6, ...extra, 0])))).toBe('malformed');
  });

  it('treats a nil signature as absent', () => {
    expect(decodeFrame(pack([...msgFields(), null]))).toEqual(msg);
  });
});

describe('maps and hostile keys', () => {
  it('rejects a map anywhere, without polluting prototypes', () => {
    const hostile = [
      pack({ __proto__: { polluted: true }, kind: 'ping' }),
      pack([PROTOCOL_VERSION, KIND_CODES.hello, { constructor: { prototype: { polluted: true } } }, 1, 0, []]),
      pack([PROTOCOL_VERSION, KIND_CODES.peers, 0, 3, '', [{ __proto__: { polluted: true }, id: 'x' }]]),
      pack([PROTOCOL_VERSION, KIND_CODES.hello, 'p', 1, 0, {}]),
    ];
    // A literal "__proto__" key, as an attacker would write it on the wire: map16 { "__proto__": { "polluted": true } }.
    const literal = new Uint8Array([0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x81, 0xa8,
      ...new TextEncoder().encode('polluted'), 0xc3]);
    for (const bytes of [...hostile, literal, pack([PROTOCOL_VERSION, KIND_CODES.ping, 1, 1, { __proto__: 1 }])]) {
      expect(['malformed', 'bad_field']).toContain(codeOf(() => decodeFrame(bytes)));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a peer id spelled __proto__ is just a string', () => {
    const f: Frame = { kind: 'query', qid: 1, target: '__proto__' };
    expect(decodeFrame(encodeFrame(f))).toEqual(f);
  });
});

describe('field validation (bad_field)', () => {
  const withField = (i: number, v: unknown): Uint8Array => {
    const a = msgFields();
    a[i] = v;
    return pack(a);
  };
  const cases: [string, number, unknown][] = [
    ['id of 15 bytes', 2, new Uint8Array(15)],
    ['id as a string', 2, 'x'.repeat(16)],
    ['empty origin', 3, ''],
    ['origin too long', 3, 'a'.repeat(MAX_PEER_ID_LENGTH + 1)],
    ['negative seq', 4, -1],
    ['fractional seq', 4, 1.5],
    ['seq over u32', 4, 2 ** 32],
    ['hops over MAX_HOPS', 5, 256],
    ['priority out of table', 6, 3],
    ['route as a string', 7, 'flood'],
    ['payload as a string', 9, 'abc'],
    ['missing payload', 9, undefined],
  ];
  for (const [name, i, v] of cases) {
    it(name, () => {
      const bytes = i === 9 && v === undefined ? pack(msgFields().slice(0, 9)) : withField(i, v);
      expect(codeOf(() => decodeFrame(bytes))).toBe('bad_field');
    });
  }

  it('counts peer id length in code points, not UTF-16 units', () => {
    const astral = '😀'.repeat(MAX_PEER_ID_LENGTH); // 64 code points, 128 UTF-16 units
    expect((decodeFrame(withField(3, astral)) as MsgFrame).origin).toBe(astral);
    expect(codeOf(() => decodeFrame(withField(3, astral + 'x')))).toBe('bad_field');
  });

  it('rejects a non-finite time and lists over their bounds', () => {
    expect(codeOf(() => decodeFrame(pack([PROTOCOL_VERSION, KIND_CODES.ping, 1, Number.NaN])))).toBe('bad_field');
    expect(codeOf(() => decodeFrame(pack([PROTOCOL_VERSION, KIND_CODES.ping, 1, Infinity])))).toBe('bad_field');
    const record = ['p', 0, [], 0];
    const records = Array.from({ length: MAX_RECORDS_PER_FRAME + 1 }, () => record);
    expect(codeOf(() => decodeFrame(pack([PROTOCOL_VERSION, KIND_CODES.peers, 0, 1, '', records])))).toBe('bad_field');
    // Over the largest list any field allows: rejected structurally, before msgpack allocates it.
    const ids = Array.from({ length: MAX_IDS_PER_FRAME + 1 }, () => ID);
    expect(codeOf(() => decodeFrame(pack([PROTOCOL_VERSION, KIND_CODES.ihave, ids])))).toBe('malformed');
    const okIds = ids.slice(1);
    expect((decodeFrame(pack([PROTOCOL_VERSION, KIND_CODES.ihave, okIds])) as { ids: unknown[] }).ids).toHaveLength(MAX_IDS_PER_FRAME);
  });

  it('encodeFrame refuses a frame the decoder would reject', () => {
    expect(codeOf(() => encodeFrame({ ...msg, hops: 300 }))).toBe('bad_field');
    expect(codeOf(() => encodeFrame({ ...msg, id: new Uint8Array(3) }))).toBe('bad_field');
    expect(codeOf(() => encodeFrame({ ...msg, priority: 'urgent' as never }))).toBe('bad_field');
    expect(codeOf(() => encodeFrame({ kind: 'nope' } as never))).toBe('bad_field');
  });
});

describe('memory-safety of hostile structure', () => {
  it('rejects deep nesting and declared lengths the bytes cannot hold, before allocating', () => {
    const deep = new Uint8Array(DEFAULT_MAX_FRAME_BYTES).fill(0x91); // [[[[…]]]]
    expect(codeOf(() => decodeFrame(deep))).toBe('malformed');
    const bomb = new Uint8Array(3 * 300_000);
    for (let i = 0; i < bomb.length; i += 3) bomb.set([0xdc, 0x04, 0x00], i); // array16 of 1024, nested
    expect(codeOf(() => decodeFrame(bomb))).toBe('malformed');
    expect(codeOf(() => decodeFrame(new Uint8Array([0x93, 1, 2, 0xdb, 0xff, 0xff, 0xff, 0xff])))).toBe('malformed');
    expect(codeOf(() => decodeFrame(new Uint8Array([0x93, 1, 4, 0xc6, 0x7f, 0xff, 0xff, 0xff])))).toBe('malformed');
  });
});

describe('byte fields', () => {
  it("a msg's payload and id are views into the input (they live as long); listed ids are compact copies", () => {
    const bytes = encodeFrame(msg);
    const f = decodeFrame(bytes) as MsgFrame;
    expect(f.payload.buffer).toBe(bytes.buffer);
    expect(f.id.buffer).toBe(bytes.buffer);
    expect(f.id).toEqual(msg.id);
    // Ids listed in ihave / iwant / digest may be kept (missing-id tracker) without their frame.
    const ihave = decodeFrame(encodeFrame({ kind: 'ihave', ids: [msg.id] })) as { ids: Uint8Array[] };
    expect(ihave.ids[0]!.buffer.byteLength).toBe(16);
    expect(ihave.ids[0]).toEqual(msg.id);
  });
});

describe('decoded strings', () => {
  const modeFrame = (origin: string): Frame => ({ kind: 'mode', mode: 'gossip', epoch: 1, origin });

  it('short ASCII strings come back equal, and the same id as the same string each time', () => {
    const ids = Array.from({ length: 600 }, (_, i) => `peer-${i}-${'x'.repeat(i % 20)}`);
    for (const id of ids) {
      const a = decodeFrame(encodeFrame(modeFrame(id))) as { origin: string };
      const b = decodeFrame(encodeFrame(modeFrame(id))) as { origin: string };
      expect(a.origin).toBe(id);
      expect(b.origin).toBe(id);
    }
  });

  it('non-ASCII and long strings decode as UTF-8', () => {
    for (const id of ['pé', '节点-1', 'z'.repeat(32), 'y'.repeat(33), 'a'.repeat(60)]) {
      expect((decodeFrame(encodeFrame(modeFrame(id))) as { origin: string }).origin).toBe(id);
    }
  });
});

describe('encodeFrame and the encoder slab', () => {
  const frame: Frame = { kind: 'ping', nonce: 7, time: 1 };

  it('encodeFrame returns bytes of their own; encodeFrameView a view that later frames never overwrite', () => {
    const own = encodeFrame(frame);
    expect(own.byteOffset).toBe(0);
    expect(own.buffer.byteLength).toBe(own.length);
    const view = encodeFrameView(frame);
    const copy = view.slice();
    for (let i = 0; i < 5_000; i++) encodeFrameView({ kind: 'ping', nonce: i, time: i });
    expect(view).toEqual(copy);
    expect(decodeFrame(view)).toEqual(frame);
  });

  it("keeps encoding after a view's buffer is transferred away (detached)", () => {
    const view = encodeFrameView(frame);
    structuredClone(view.buffer, { transfer: [view.buffer] });
    expect(view.length).toBe(0);
    expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
  });

  it('a frame bigger than the slab gets a buffer of about its own size', () => {
    const big = encodeFrameView({ kind: 'msg', id: new Uint8Array(16), origin: 'o', seq: 1, hops: 0, priority: 'normal', route: 'push', encoding: 'raw', payload: new Uint8Array(200_000) });
    expect(big.buffer.byteLength).toBeLessThan(big.length + 2048);
  });
});
