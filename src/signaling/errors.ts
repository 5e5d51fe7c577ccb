/**
 * Error codes the signaling server puts in `error` frames, shared by the server and SignalingClient.
 * Besides these, a frame the server cannot decode is answered with its WireError code (malformed,
 * too_large, bad_version, unknown_kind, bad_field). Codes are stable; docs list them.
 */
export const SignalingErrorCode = {
  /** join: another connection already holds this peer id in the room. */
  idTaken: 'id_taken',
  /** join: wrong or missing per-room secret (the server then closes the connection). */
  unauthorized: 'unauthorized',
  /** join: the room is at its member cap. */
  roomFull: 'room_full',
  /** join: the server is at its room cap and the room does not exist yet. */
  tooManyRooms: 'too_many_rooms',
  /** join: this connection is already in as many rooms as one connection may be. */
  roomLimit: 'room_limit',
  /** join: this connection is already in the room. */
  alreadyJoined: 'already_joined',
  /** leave/signal for a room this connection has not joined. */
  notJoined: 'not_joined',
  /** signal to a peer id that is not in the room. */
  unknownPeer: 'unknown_peer',
  /** The connection sent faster than its token bucket allows; the frame was dropped. */
  rateLimited: 'rate_limited',
  /** A well-formed frame a client must not send (joined, peer-joined, mesh frames, ...). */
  unexpectedFrame: 'unexpected_frame',
} as const;
export type SignalingErrorCode = (typeof SignalingErrorCode)[keyof typeof SignalingErrorCode];

/** An `error` frame from the server, surfaced by SignalingClient's 'error' event. */
export class SignalingError extends Error {
  override readonly name = 'SignalingError';
  constructor(
    /** A SignalingErrorCode or a WireError code; unknown codes from newer servers are kept as-is. */
    readonly code: string,
    message: string,
    /** The peer the error is about, when the server names one (unknown_peer: the signal's target). */
    readonly peerId?: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** WebSocket close codes the server uses (RFC 6455 §7.4.1). */
export const SignalingCloseCode = {
  normal: 1000,
  /** Graceful shutdown: reconnect later (to this or another server). */
  goingAway: 1001,
  /** Unauthorized, too many errors, or no join within the join timeout. */
  policyViolation: 1008,
  /** A message over maxPayloadBytes (sent by `ws` itself). */
  messageTooBig: 1009,
} as const;
