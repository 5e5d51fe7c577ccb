/**
 * The hello exchange every mesh link starts with (docs/PROTOCOL.md, "Connection semantics"): each side
 * sends hello as its first frame; a link is open once the remote's hello has been checked here.
 * Shared by the providers that run a handshake themselves (TCP, WebRTC).
 */
import { decodeFrame, encodeFrame } from '../wire/codec.js';
import { isWireError } from '../wire/errors.js';
import { ByeCode, PROTOCOL_VERSION, type HelloFrame, type PeerId, type Role } from '../wire/frames.js';

export interface LocalHello {
  peerId: PeerId;
  role: Role;
  capabilities: readonly string[];
}

export function encodeHello(local: LocalHello): Uint8Array {
  return encodeFrame({
    kind: 'hello',
    peerId: local.peerId,
    version: PROTOCOL_VERSION,
    role: local.role,
    capabilities: [...local.capabilities],
  });
}

export function encodeBye(code: ByeCode, reason: string): Uint8Array {
  return encodeFrame({ kind: 'bye', code, reason });
}

export type HelloCheck =
  | { ok: true; hello: HelloFrame }
  | { ok: false; code: ByeCode; reason: string; wireCode?: string };

/**
 * Checks the first frame of a link. `expectedPeerId` is set where the provider already knows who should
 * be at the other end (WebRTC: the signaling peer id; a TCP dial to a known peer).
 */
export function checkHello(bytes: Uint8Array, localId: PeerId, expectedPeerId?: PeerId): HelloCheck {
  let frame;
  try {
    frame = decodeFrame(bytes);
  } catch (err) {
    if (!isWireError(err)) throw err;
    const code = err.code === 'bad_version' ? ByeCode.versionMismatch : ByeCode.protocolError;
    return { ok: false, code, reason: `bad hello: ${err.code}`, wireCode: err.code };
  }
  if (frame.kind !== 'hello') return { ok: false, code: ByeCode.protocolError, reason: `expected hello, got ${frame.kind}` };
  if (frame.version !== PROTOCOL_VERSION) {
    return { ok: false, code: ByeCode.versionMismatch, reason: `protocol version ${frame.version}` };
  }
  if (frame.peerId === localId) return { ok: false, code: ByeCode.protocolError, reason: 'hello claims our own id' };
  if (expectedPeerId !== undefined && frame.peerId !== expectedPeerId) {
    return { ok: false, code: ByeCode.protocolError, reason: `hello from ${frame.peerId}, expected ${expectedPeerId}` };
  }
  return { ok: true, hello: frame };
}
