/**
 * The opening handshake of RFC 6455 §4.2, server side: check the upgrade request, answer 101 with the
 * key's accept value. No subprotocols and no extensions are negotiated (permessage-deflate's zlib state
 * would cost more memory per connection than everything else together), so a client asking for them
 * gets a plain WebSocket, as the RFC allows.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** A Sec-WebSocket-Key is 16 random bytes in base64: 22 characters and "==". */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;

/** Sec-WebSocket-Accept for a client's Sec-WebSocket-Key. */
export function acceptValue(key: string): string {
  return createHash('sha1').update(key + ACCEPT_GUID).digest('base64');
}

/** Why an upgrade request is no WebSocket handshake (with the status to answer), or undefined if it is one. */
export function handshakeRefusal(req: IncomingMessage): { status: number; message: string } | undefined {
  if (req.method !== 'GET') return { status: 405, message: 'a WebSocket handshake is a GET' };
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return { status: 400, message: 'Upgrade must be websocket' };
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) return { status: 400, message: 'missing or invalid Sec-WebSocket-Key' };
  if (req.headers['sec-websocket-version'] !== '13') return { status: 426, message: 'Sec-WebSocket-Version must be 13' };
  return undefined;
}

/** Completes a checked handshake: the 101 response is on its way when this returns. */
export function acceptHandshake(req: IncomingMessage, socket: Duplex): void {
  const key = req.headers['sec-websocket-key'] as string;
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptValue(key)}\r\n\r\n`,
  );
}
