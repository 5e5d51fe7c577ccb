export * from './frames.js';
export * from './errors.js';
export * from './limits.js';
export { encodeFrame, decodeFrame, frameKindOf } from './codec.js';
export {
  encodeLengthPrefixed,
  encodeLengthPrefixedBatch,
  lengthPrefixedParts,
  StreamFramer,
  FrameStreamDecoder,
  type FrameStreamDecoderOptions,
  type FrameStreamStats,
} from './stream.js';
export {
  chunkFrame,
  isChunk,
  ChunkReassembler,
  type ChunkReassemblerOptions,
  type ChunkReassemblerStats,
} from './chunking.js';
export {
  MessageIdFactory,
  messageIdToKey,
  keyToMessageId,
  parseMessageId,
  originHash,
  fnv1a64,
} from './ids.js';
