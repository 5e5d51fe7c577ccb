/**
 * A WebSocket client written byte by byte, to send the server frames no library client would (unmasked,
 * reserved bits, bad opcodes, split anywhere) and to see every frame the server writes back, close frames
 * included. Its socket is half-open (it never ends its side on its own), so a test sees when and how the
 * server closes.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import type { Frame } from '../../src/wire/frames.js';

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export interface ClientFrameOptions {
  fin?: boolean;
  /** Bits 4–6 of the first byte (extensions): 0 unless a test breaks the rule. */
  rsv?: number;
  masked?: boolean;
  /** Writes this length in the header instead of the payload's (a lie about the size). */
  declaredLength?: number;
}

/** RFC 6455 §5.2 opcodes, written out here rather than taken from the server: the client checks it. */
export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
export const RFC_SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** One client frame's bytes: masked with a fixed key unless told otherwise. */
export function clientFrame(opcode: number, payload: Uint8Array = new Uint8Array(0), options: ClientFrameOptions = {}): Buffer {
  const { fin = true, rsv = 0, masked = true } = options;
  const length = options.declaredLength ?? payload.byteLength;
  const extended = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const header = Buffer.alloc(2 + extended + (masked ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  header[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) header.writeUInt16BE(length, 2);
  if (extended === 8) header.writeBigUInt64BE(BigInt(length), 2);
  const body = Buffer.from(payload);
  if (masked) {
    MASK.copy(header, 2 + extended);
    for (let i = 0; i < body.length; i++) body[i]! ^= MASK[i & 3]!;
  }
  return Buffer.concat([header, body]);
}

/** A binary message carrying one protocol frame. */
export function clientMessage(frame: Frame): Buffer {
  return clientFrame(OP.binary, encodeFrame(frame));
}

/** A close frame's payload: the code and the reason. */
export function closePayload(code: number, reason: string | Uint8Array = ''): Buffer {
  const text = typeof reason === 'string' ? Buffer.from(reason) : Buffer.from(reason);
  const out = Buffer.alloc(2 + text.length);
  out.writeUInt16BE(code, 0);
  text.copy(out, 2);
  return out;
}

export function upgradeRequest(headers: Record<string, string> = {}, method = 'GET'): string {
  const all: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': RFC_SAMPLE_KEY,
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} / HTTP/1.1\r\n${lines.join('')}\r\n`;
}

const open = new Set<Socket>();

/** For afterEach: destroys every raw client's socket. */
export function destroyRawWebSockets(): void {
  for (const socket of open) socket.destroy();
  open.clear();
}

export class RawWebSocket {
  /** The server's HTTP response head (status line and headers). */
  response = '';
  private buffered = Buffer.alloc(0);
  private readonly frames: ServerFrame[] = [];
  private waiter: (() => void) | undefined;
  /** Resolves when the server ended its side (FIN) or the socket closed. */
  readonly ended: Promise<void>;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    this.ended = new Promise((resolve) => {
      socket.once('end', resolve);
      socket.once('close', resolve);
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Connects and upgrades; `afterRequest` is written in the same write as the request (the server's `head`). */
  static async open(port: number, options: { request?: string; afterRequest?: Buffer } = {}): Promise<RawWebSocket> {
    const socket = netConnect({ port, host: '127.0.0.1', allowHalfOpen: true });
    open.add(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawWebSocket(socket);
    const request = Buffer.from(options.request ?? upgradeRequest(), 'latin1');
    socket.write(options.afterRequest ? Buffer.concat([request, options.afterRequest]) : request);
    await client.until(() => client.response !== '' || socket.destroyed || socket.readableEnded, 'the HTTP response');
    return client;
  }

  get status(): number {
    return Number(this.response.split(' ')[1]);
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next frame the server sends (skipping pings unless asked for them). */
  async next(options: { pings?: boolean } = {}): Promise<ServerFrame> {
    for (;;) {
      await this.until(() => this.frames.length > 0 || this.socket.destroyed, 'a frame from the server');
      const frame = this.frames.shift();
      if (!frame) throw new Error('the socket closed before the frame came');
      if (frame.opcode !== OP.ping || options.pings) return frame;
    }
  }

  /** The next frame, a binary message, decoded as a protocol frame. */
  async nextMessage(): Promise<Frame> {
    const frame = await this.next();
    if (frame.opcode !== OP.binary) throw new Error(`expected a binary message, got opcode ${frame.opcode}`);
    return decodeFrame(new Uint8Array(frame.payload));
  }

  /** The close frame the server sends (frames before it are skipped): its code and reason. */
  async closeFrame(): Promise<{ code: number | undefined; reason: string }> {
    for (;;) {
      const frame = await this.next();
      if (frame.opcode !== OP.close) continue;
      return {
        code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined,
        reason: frame.payload.subarray(2).toString('utf8'),
      };
    }
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    if (this.response === '') {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.response = this.buffered.subarray(0, end).toString('latin1');
      this.buffered = this.buffered.subarray(end + 4);
    }
    for (;;) {
      const frame = readServerFrame(this.buffered);
      if (!frame) break;
      this.frames.push(frame.frame);
      this.buffered = this.buffered.subarray(frame.size);
    }
    this.waiter?.();
  }

  private async until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

/** Parses one unmasked server frame at the start of `bytes`, or undefined if it is incomplete. */
function readServerFrame(bytes: Buffer): { frame: ServerFrame; size: number } | undefined {
  if (bytes.length < 2) return undefined;
  let length = bytes[1]! & 0x7f;
  let header = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = bytes.readUInt16BE(2);
    header = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Number(bytes.readBigUInt64BE(2));
    header = 10;
  }
  if ((bytes[1]! & 0x80) !== 0) throw new Error('the server masked a frame');
  if (bytes.length < header + length) return undefined;
  const frame = { fin: (bytes[0]! & 0x80) !== 0, opcode: bytes[0]! & 0x0f, payload: Buffer.from(bytes.subarray(header, header + length)) };
  return { frame, size: header + length };
}
