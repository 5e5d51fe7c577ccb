/**
 * Encoded sizes of relay frames, computed instead of encoded: the gossip counts the bytes of every
 * frame it sends and receives, and encoding each one just to measure it would double the codec's work
 * on the hot path. The arithmetic follows codec.ts exactly — a msgpack array
 * `[version, kindCode, ...fields]` — and a test checks it against encodeFrame(frame).length.
 *
 * msgpack sizes used: positive int < 2^7: 1 byte, < 2^8: 2, < 2^16: 3, < 2^32: 5; str header 1 (< 32
 * bytes), 2 (< 2^8), 3 (< 2^16), 5; bin header 2 (< 2^8), 3 (< 2^16), 5; array header 1 (< 16 items),
 * 3 (< 2^16), 5.
 */
import { KIND_CODES, PROTOCOL_VERSION, type MessageId } from '../wire/frames.js';
import type { RelayFrame } from './types.js';

const utf8 = new TextEncoder();

function uintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x100) return 2;
  if (v < 0x10000) return 3;
  return 5;
}

function strSize(s: string): number {
  // ASCII is the common case (peer ids); count UTF-8 bytes only when needed.
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      n = utf8.encode(s).length;
      break;
    }
  }
  const header = n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
  return header + n;
}

function binSize(n: number): number {
  return (n < 0x100 ? 2 : n < 0x10000 ? 3 : 5) + n;
}

function arrayHeaderSize(n: number): number {
  return n < 16 ? 1 : n < 0x10000 ? 3 : 5;
}

function idsSize(ids: readonly MessageId[]): number {
  let total = arrayHeaderSize(ids.length);
  for (const id of ids) total += binSize(id.length);
  return total;
}

/** The frame last measured and its size: the relay's and the gossip's counters measure one frame in a row. */
let lastFrame: RelayFrame | undefined;
let lastSize = 0;

/**
 * Bytes of encodeFrame(frame) for a relay frame with valid fields. Remembers its last answer by the frame's
 * identity: the frames measured (decoded, or built to be sent) are never mutated afterwards. (Cache entries,
 * which are recycled, are never measured.)
 */
export function relayFrameSize(frame: RelayFrame): number {
  if (frame !== lastFrame) {
    lastSize = computeRelayFrameSize(frame);
    lastFrame = frame;
  }
  return lastSize;
}

function computeRelayFrameSize(frame: RelayFrame): number {
  const envelope = uintSize(PROTOCOL_VERSION) + uintSize(KIND_CODES[frame.kind]);
  switch (frame.kind) {
    case 'msg': {
      const fields = frame.signature === undefined ? 9 : 10;
      let n = arrayHeaderSize(2 + fields) + envelope;
      n += binSize(frame.id.length) + strSize(frame.origin) + uintSize(frame.seq) + uintSize(frame.hops);
      n += 3; // priority, route, encoding: enum indices, one fixint each
      n += binSize(frame.payload.length);
      if (frame.signature !== undefined) n += binSize(frame.signature.length);
      return n;
    }
    case 'ihave':
    case 'iwant':
    case 'digest':
    case 'graft':
      return arrayHeaderSize(3) + envelope + idsSize(frame.ids);
    case 'prune':
      return arrayHeaderSize(2) + envelope;
    case 'mode':
      return arrayHeaderSize(5) + envelope + 1 + uintSize(frame.epoch) + strSize(frame.origin);
  }
}
