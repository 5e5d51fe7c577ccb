/**
 * The hello exchange every mesh link starts with (docs/PROTOCOL.md, "Connection semantics"): on connect
 * both sides send a hello as their first frame; a connection is handed out only once the remote's hello
 * has arrived and passed judgeFirstFrame(). Pure functions, shared by the providers that run the
 * handshake themselves (TCP, WebRTC); the socket and channel work is in each provider.
 */
import { decodeFrame, encodeFrame } from '../wire/codec.js';
import { WireError, type WireErrorCode } from '../wire/errors.js';
import { ByeCode, PROTOCOL_VERSION, type HelloFrame, type PeerId, type Role } from '../wire/frames.js';
import { MAX_REASON_LENGTH, type FrameLimits } from '../wire/limits.js';

/** Why a first frame was refused (TCP reuses these as close causes). */
export type HelloFailure = 'remote-bye' | 'protocol-error' | 'version-mismatch' | 'self-connection' | 'wrong-peer';

export interface LocalIdentity {
  peerId: PeerId;
  role: Role;
  capabilities: readonly string[];
}

export function helloFrame(local: LocalIdentity): HelloFrame {
  return {
    kind: 'hello',
    peerId: local.peerId,
    version: PROTOCOL_VERSION,
    role: local.role,
    capabilities: [...local.capabilities],
  };
}

export type HelloVerdict =
  | { ok: true; hello: HelloFrame }
  | {
      ok: false;
      cause: HelloFailure;
      /** Human-readable, for the close / dial-failed reason. */
      reason: string;
      /** The bye to send before closing (none when the remote already said bye). */
      bye?: { code: number; reason: string };
      /** Set when the frame did not decode, for the wire-error counters. */
      wireError?: WireErrorCode;
    };

/**
 * Judges the first frame of a connection: it must be a hello of our major version from another peer —
 * from `expectedPeerId` where the provider already knows who should answer (WebRTC: the signaling id).
 */
export function judgeFirstFrame(
  bytes: Uint8Array,
  localPeerId: PeerId,
  limits: Partial<FrameLimits> = {},
  expectedPeerId?: PeerId,
): HelloVerdict {
  let frame;
  try {
    frame = decodeFrame(bytes, limits);
  } catch (thrown) {
    const err = thrown instanceof WireError ? thrown : new WireError('malformed', String(thrown));
    if (err.code === 'bad_version') {
      return { ok: false, cause: 'version-mismatch', reason: `version mismatch: ${err.message}`, bye: versionBye(), wireError: err.code };
    }
    return {
      ok: false,
      cause: 'protocol-error',
      reason: `bad first frame: ${err.message}`,
      bye: { code: ByeCode.protocolError, reason: `expected hello: ${err.code}` },
      wireError: err.code,
    };
  }
  if (frame.kind === 'bye') {
    return { ok: false, cause: 'remote-bye', reason: `remote bye ${frame.code}: ${frame.reason}` };
  }
  if (frame.kind !== 'hello') {
    return {
      ok: false,
      cause: 'protocol-error',
      reason: `first frame was ${frame.kind}, not hello`,
      bye: { code: ByeCode.protocolError, reason: 'expected hello' },
    };
  }
  if (frame.version !== PROTOCOL_VERSION) {
    return { ok: false, cause: 'version-mismatch', reason: `remote speaks version ${frame.version}`, bye: versionBye() };
  }
  if (frame.peerId === localPeerId) {
    return {
      ok: false,
      cause: 'self-connection',
      reason: 'remote hello carries our own peer id',
      bye: { code: ByeCode.protocolError, reason: 'same peer id' },
    };
  }
  if (expectedPeerId !== undefined && frame.peerId !== expectedPeerId) {
    return {
      ok: false,
      cause: 'wrong-peer',
      reason: `hello from ${frame.peerId}, expected ${expectedPeerId}`,
      bye: { code: ByeCode.protocolError, reason: 'unexpected peer id' },
    };
  }
  return { ok: true, hello: frame };
}

/** An encoded bye; the reason is cut to the protocol's bound so encoding cannot fail. */
export function byeFrameBytes(code: number, reason: string): Uint8Array {
  return encodeFrame({ kind: 'bye', code, reason: reason.slice(0, MAX_REASON_LENGTH) });
}

function versionBye(): { code: number; reason: string } {
  return { code: ByeCode.versionMismatch, reason: `this peer speaks version ${PROTOCOL_VERSION}` };
}
