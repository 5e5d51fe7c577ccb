/**
 * The opening handshake of RFC 6455 §4.2, server side: check the upgrade request, answer 101 with the
 * key's accept value. No extension is negotiated (permessage-deflate's zlib state would cost more memory
 * per connection than everything else together), so a client asking for one gets a plain WebSocket, as
 * the RFC allows. A client offering subprotocols gets the first one echoed, as the `ws` server this
 * replaced did by default: clients (browsers included) abort a handshake that ignores their offer, and
 * the frames on the connection are the same whatever it is called.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** A Sec-WebSocket-Key is 16 random bytes in base64: 22 characters and "==". */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;
/** Sec-WebSocket-Protocol: comma-separated HTTP tokens (RFC 7230 tchar). */
const PROTOCOLS_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(\s*,\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;

/** Sec-WebSocket-Accept for a client's Sec-WebSocket-Key. */
export function acceptValue(key: string): string {
  return createHash('sha1').update(key + ACCEPT_GUID).digest('base64');
}

/**
 * Why an upgrade request is no WebSocket handshake — the status to answer, and header lines to add — or
 * undefined if it is one.
 */
export function handshakeRefusal(req: IncomingMessage): { status: number; message: string; headers?: string[] } | undefined {
  if (req.method !== 'GET') return { status: 405, message: 'a WebSocket handshake is a GET' };
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return { status: 400, message: 'Upgrade must be websocket' };
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) return { status: 400, message: 'missing or invalid Sec-WebSocket-Key' };
  if (req.headers['sec-websocket-version'] !== '13') {
    return { status: 426, message: 'Sec-WebSocket-Version must be 13', headers: ['Sec-WebSocket-Version: 13'] };
  }
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols !== undefined && !PROTOCOLS_PATTERN.test(protocols.trim())) {
    return { status: 400, message: 'invalid Sec-WebSocket-Protocol' };
  }
  return undefined;
}

/** Completes a checked handshake: the 101 response is on its way when this returns. */
export function acceptHandshake(req: IncomingMessage, socket: Duplex): void {
  const key = req.headers['sec-websocket-key'] as string;
  const protocol = req.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptValue(key)}\r\n` +
      (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') +
      '\r\n',
  );
}
