/**
 * A structural pre-check of a frame's msgpack bytes, run before the codec reads any field.
 *
 * Why: a general msgpack decoder (@msgpack/msgpack, which we used first) allocates `new Array(n)` for a
 * declared array length before reading the elements, and follows nesting as deep as the input goes. A
 * 1 MiB frame of `dc 04 00` headers (array16 of 1024, nested) makes it allocate gigabytes. This walk allocates nothing and rejects, in one pass:
 * maps and ext types (never part of the protocol), the unused byte 0xC1, nesting deeper than
 * MAX_NESTING_DEPTH, arrays longer than MAX_ARRAY_LENGTH, strings longer than MAX_STR_BYTES, any length
 * that runs past the end, more pending elements than bytes left (each needs at least one byte), and
 * trailing bytes after the top-level value. What passes decodes with bounded memory (≤ a few words per
 * input byte).
 */
import { WireError } from './errors.js';
import { MAX_ARRAY_LENGTH, MAX_NESTING_DEPTH, MAX_STR_BYTES } from './limits.js';

/** Elements still to read at each open array level (reused: the check is synchronous, never reentrant). */
const pending = new Uint32Array(MAX_NESTING_DEPTH);

function malformed(why: string): never {
  throw new WireError('malformed', why);
}

/** Throws WireError('malformed') unless `bytes` is exactly one msgpack array within our structural bounds. */
export function checkStructure(bytes: Uint8Array): void {
  const end = bytes.length;
  const first = end > 0 ? bytes[0]! : -1;
  if (!((first >= 0x90 && first <= 0x9f) || first === 0xdc || first === 0xdd)) {
    malformed('a frame must be a msgpack array');
  }
  let pos = 0;
  let depth = 0; // number of open arrays
  let owed = 1; // values still to read across all open arrays (+1 for the top-level value)
  for (;;) {
    while (depth > 0 && pending[depth - 1] === 0) depth--;
    if (owed === 0) break;
    if (depth > 0) pending[depth - 1]!--;
    owed--;
    if (pos >= end) malformed('truncated');
    const b = bytes[pos++]!;
    let skip = 0; // payload bytes of a str/bin/number after its header
    let arrayLength = -1;
    if (b <= 0x7f || b >= 0xe0) {
      // positive / negative fixint
    } else if (b >= 0xa0 && b <= 0xbf) {
      skip = b & 0x1f;
    } else if (b >= 0x90 && b <= 0x9f) {
      arrayLength = b & 0x0f;
    } else {
      switch (b) {
        case 0xc0: // nil
        case 0xc2: // false
        case 0xc3: // true
          break;
        case 0xcc: case 0xd0: skip = 1; break;
        case 0xcd: case 0xd1: skip = 2; break;
        case 0xca: case 0xce: case 0xd2: skip = 4; break;
        case 0xcb: case 0xcf: case 0xd3: skip = 8; break;
        case 0xc4: case 0xd9: // bin8, str8
          if (pos + 1 > end) malformed('truncated');
          skip = bytes[pos]!;
          pos += 1;
          break;
        case 0xc5: case 0xda: // bin16, str16
          if (pos + 2 > end) malformed('truncated');
          skip = u16(bytes, pos);
          pos += 2;
          break;
        case 0xc6: case 0xdb: // bin32, str32
          if (pos + 4 > end) malformed('truncated');
          skip = u32(bytes, pos);
          pos += 4;
          break;
        case 0xdc:
          if (pos + 2 > end) malformed('truncated');
          arrayLength = u16(bytes, pos);
          pos += 2;
          break;
        case 0xdd:
          if (pos + 4 > end) malformed('truncated');
          arrayLength = u32(bytes, pos);
          pos += 4;
          break;
        default:
          // 0x80-0x8f, 0xde, 0xdf maps; 0xc7-0xc9, 0xd4-0xd8 ext; 0xc1 never used.
          malformed(`msgpack type 0x${b.toString(16)} is not used by the protocol`);
      }
      if ((b === 0xd9 || b === 0xda || b === 0xdb) && skip > MAX_STR_BYTES) malformed('string too long');
    }
    if (skip > end - pos) malformed('truncated');
    pos += skip;
    if (arrayLength >= 0) {
      if (arrayLength > MAX_ARRAY_LENGTH) malformed('array too long');
      if (arrayLength > 0) {
        if (depth === MAX_NESTING_DEPTH) malformed('nested too deep');
        owed += arrayLength;
        if (owed > end - pos) malformed('truncated');
        pending[depth++] = arrayLength;
      }
    } else if (owed > end - pos) {
      malformed('truncated');
    }
  }
  if (pos !== end) malformed(`${end - pos} trailing byte(s)`);
}

// Big-endian reads straight from the bytes: a DataView per frame would be an allocation per frame.
function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function u32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}
