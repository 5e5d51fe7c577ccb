/**
 * The only error the wire layer throws. `code` is stable and documented in docs/PROTOCOL.md; callers
 * count errors by code and decide whether to drop the frame or close the connection.
 */
export type WireErrorCode =
  /** A frame or a declared length exceeds the configured maximum. */
  | 'too_large'
  /** Not msgpack, not an array envelope, trailing bytes, or a truncated frame. */
  | 'malformed'
  /** The envelope's protocol version is not one this decoder speaks. */
  | 'bad_version'
  /** A well-formed envelope of a kind this decoder does not know (likely a newer peer): skip it. */
  | 'unknown_kind'
  /** A field has the wrong type or is out of its bounds. */
  | 'bad_field'
  /** Chunk reassembly: a chunk that does not fit its message, or reassembly limits exceeded. */
  | 'bad_chunk';

export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly code: WireErrorCode,
    message: string,
    /** For unknown_kind: the kind number received, so callers can log it. */
    readonly kindCode?: number,
  ) {
    super(`${code}: ${message}`);
  }
}

export function isWireError(err: unknown): err is WireError {
  return err instanceof WireError;
}
