/**
 * The frame codec: `Frame` ⇄ msgpack `[version, kindCode, ...positional fields]` (docs/PROTOCOL.md).
 * encode.ts writes, decode.ts reads and validates; both share fields.ts (field checks) and msgpack.ts
 * (a reader/writer for the protocol's msgpack subset).
 */
export { encodeFrame, encodeFrameView } from './encode.js';
export { decodeFrame, frameKindOf } from './decode.js';
