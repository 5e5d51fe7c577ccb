/**
 * RFC 6455 frames as a server writes them (unmasked, never fragmented, no extensions) and the
 * constants and checks the reader needs. Bytes only: no sockets here.
 */

export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** Close codes the server sends (RFC 6455 §7.4.1). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  /** Received in no close frame: the close frame had no code (never sent). */
  noStatus: 1005,
  /** The connection ended without a close frame (never sent). */
  abnormal: 1006,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
} as const;

/** Control frames (close, ping, pong) carry at most 125 bytes (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** A close reason must fit a control frame with its two-byte code. */
export const MAX_CLOSE_REASON_BYTES = MAX_CONTROL_PAYLOAD - 2;

/** Largest header a client frame can have: 2 bytes, an 8-byte length, a 4-byte mask. */
export const MAX_HEADER_BYTES = 14;

/** An empty ping, the same bytes for every heartbeat. */
export const PING_FRAME: Buffer = frame(Opcode.ping, new Uint8Array(0));

/**
 * One final frame: header and payload in a single buffer, so one socket write sends it and one buffer
 * can be written to many sockets (a broadcast encodes its frame once).
 */
export function frame(opcode: number, payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + length);
  out[0] = 0x80 | opcode; // FIN, no RSV bits
  if (header === 2) {
    out[1] = length;
  } else if (header === 4) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  out.set(payload, header);
  return out;
}

/** A close frame: the code, then the reason cut to what a control frame holds (on a character boundary). */
export function closeFrame(code: number, reason = ''): Buffer {
  let text = Buffer.from(reason, 'utf8');
  if (text.byteLength > MAX_CLOSE_REASON_BYTES) text = Buffer.from(cutUtf8(reason, MAX_CLOSE_REASON_BYTES), 'utf8');
  const payload = Buffer.allocUnsafe(2 + text.byteLength);
  payload.writeUInt16BE(code, 0);
  payload.set(text, 2);
  return frame(Opcode.close, payload);
}

/** Codes a peer may put in a close frame (RFC 6455 §7.4; 1004–1006 and 1015 are reserved, never sent). */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** Unmasks a client payload in place (RFC 6455 §5.3). */
export function unmask(bytes: Uint8Array, start: number, end: number, mask: Uint8Array, maskAt: number): void {
  for (let i = start, j = 0; i < end; i++, j = (j + 1) & 3) bytes[i]! ^= mask[maskAt + j]!;
}

function cutUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}
