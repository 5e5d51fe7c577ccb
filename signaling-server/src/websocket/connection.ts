/**
 * One server-side WebSocket connection on its upgraded socket (RFC 6455 §5–7): reads the client's frames,
 * answers pings, runs the close handshake and writes frames. What the connection is *for* lives in a
 * subclass (the signaling Session), which gets messages and the connection's end through protected hooks.
 *
 * Why not the `ws` package: a signaling server holds thousands of mostly idle connections, and `ws` gives
 * each one a WebSocket, a Receiver (a Writable stream with its own state), a Sender and bound listeners —
 * about 1 KB of heap per connection before the application stores anything. Here the connection is one
 * object: the parser's state is a few fields, the socket's listeners are shared functions that find the
 * connection through a symbol on the socket, and nothing else is allocated until a frame arrives split
 * across reads or a message in fragments (bench/lib/signaling-heap.ts compares the two).
 *
 * The server speaks no extension and no subprotocol, receives text and binary messages (text must be
 * UTF-8) and sends the frames its subclass builds with frames.ts. Every violation by the client is
 * answered with a close frame of the RFC's code (1002 protocol error, 1007 invalid UTF-8, 1009 too big)
 * and the end of the connection. Pings are answered while the subclass allows (its rate limit).
 */
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { CloseCode, MAX_CONTROL_PAYLOAD, Opcode, closeFrame, frame, isValidCloseCode, unmask, PING_FRAME } from './frames.js';

/** The bounds a connection reads and closes with (a subset of the server's SignalingLimits). */
export interface WebSocketLimits {
  /** Largest message, in bytes (all its fragments together); more → closed with 1009. */
  maxPayloadBytes: number;
  /** Most frames one fragmented message may come in; more → closed with 1009. */
  maxFragmentsPerMessage: number;
  /** How long a started close may take before the socket is destroyed (a client that never answers). */
  closeTimeoutMs: number;
}

// Where a connection is. Reading goes on while the close handshake we started waits for its answer.
const OPEN = 1;
/** We sent a close frame and wait for the client's; its other frames are read and dropped. */
const CLOSING = 2;
/** Nothing more is read: the close handshake is done, or failed, or the client went. The socket ends. */
const ENDING = 3;
const CLOSED = 4;

const kConnection = Symbol('meshcast.websocket.connection');
type OwnedSocket = Socket & { [kConnection]?: WebSocketConnection };

const EMPTY = Buffer.alloc(0);

export abstract class WebSocketConnection {
  private socket: OwnedSocket | undefined = undefined;
  private state = OPEN;
  /** The close code reported when the connection ends: the client's, ours if it failed, else 1006. */
  private closeCode: number = CloseCode.abnormal;
  private closeTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  // A frame split across reads: its bytes so far, in a buffer of its own of the size it needs (known
  // from its header), so a frame trickled in byte by byte costs what the frame costs — not an object
  // per read — and no read buffer is kept alive for the few bytes of it that were the frame's.
  private partial: Buffer | undefined = undefined;
  private partialBytes = 0;
  private neededBytes = 0;
  // A message in fragments: its opcode (0: none in progress), frames and bytes so far, and its payload so
  // far in one growing buffer — none while closing: those messages are never delivered, only followed.
  private fragmentOpcode = 0;
  private fragmentCount = 0;
  private fragmentBytes = 0;
  private fragmentData: Buffer | undefined = undefined;

  /** A whole message from the client: binary, or text already checked to be UTF-8. */
  protected abstract onMessage(payload: Buffer, binary: boolean): void;
  /** The client answered a ping. */
  protected abstract onPong(): void;
  /** The client broke the protocol; the connection is closing with `closeCode`. */
  protected abstract onProtocolError(closeCode: number, message: string): void;
  /** This connection's own code threw (a bug): it has been terminated. */
  protected abstract onInternalError(err: unknown): void;
  /** The socket has closed; called once. `code` as in a CloseEvent (1006: no close frame). */
  protected abstract onClosed(code: number): void;
  /** Read on each use rather than stored: one field less per connection. */
  protected abstract websocketLimits(): WebSocketLimits;
  /** Whether to answer this ping (a subclass's rate limit); an unanswered ping is no error. */
  protected abstract allowPing(): boolean;

  /** Open, and not closing: frames may be sent. */
  protected get isOpen(): boolean {
    return this.state === OPEN;
  }

  /** Bytes written but not yet taken by the kernel: a client reading too slowly lets this grow. */
  get bufferedAmount(): number {
    return this.socket?.writableLength ?? 0;
  }

  /**
   * Takes over a socket whose handshake was answered (handshake.ts). `head` is what the client sent
   * after its request, already read by the HTTP server: the first frames, perhaps.
   */
  protected attach(socket: Socket, head: Buffer): void {
    const owned = socket as OwnedSocket;
    this.socket = owned;
    owned[kConnection] = this;
    owned.setTimeout(0);
    owned.setNoDelay(true);
    owned.on('data', WebSocketConnection.onSocketData);
    owned.on('end', WebSocketConnection.onSocketEnd);
    owned.on('error', WebSocketConnection.onSocketError);
    owned.on('close', WebSocketConnection.onSocketClose);
    // A client gone during the handshake: its socket closed before it had our listener.
    if (owned.closed) process.nextTick(WebSocketConnection.onSocketClose.bind(owned));
    else if (head.length > 0) WebSocketConnection.onSocketData.call(owned, head); // guarded like any read
  }

  /**
   * Writes a whole frame built by frames.ts; one buffer may be written to many connections. Every frame
   * the connection sends goes through here (pongs and pings too), so a subclass that overrides it sees
   * all of them — to stop writing to a client that does not read.
   */
  protected sendFrameBytes(bytes: Buffer): void {
    if (this.state === OPEN) this.socket?.write(bytes);
  }

  /** An empty ping; the client's pong comes back through onPong(). */
  ping(): void {
    this.sendFrameBytes(PING_FRAME);
  }

  /** Starts the close handshake; the socket is destroyed if the client does not answer in closeTimeoutMs. */
  close(code: number, reason = ''): void {
    if (this.state !== OPEN || !this.socket) return;
    this.socket.write(closeFrame(code, reason));
    this.state = CLOSING;
    this.fragmentData = undefined; // a message still in fragments will not be delivered now
    this.armCloseTimer();
  }

  /** Ends the connection at once, without a close handshake. */
  terminate(): void {
    if (this.state === CLOSED || !this.socket) return;
    this.stopReading();
    this.socket.destroy();
  }

  // ---- reading ----

  private receive(chunk: Buffer): void {
    let at = 0;
    // A frame begun in an earlier read: top it up to what it needs and read it, until it is whole (reading
    // its first bytes tells its header's size, its header the payload's).
    while (this.partial !== undefined && this.state < ENDING) {
      const take = Math.min(chunk.length - at, this.neededBytes - this.partialBytes);
      chunk.copy(this.partial, this.partialBytes, at, at + take);
      this.partialBytes += take;
      at += take;
      if (this.partialBytes < this.neededBytes) return; // the read is used up
      // The buffer is exactly the bytes needed: the whole frame, or its header so far.
      if (this.readFrame(this.partial, 0) > 0) this.partial = undefined;
      else if (this.state < ENDING) this.partial = resized(this.partial, 0, this.partialBytes, this.neededBytes);
    }
    while (this.state < ENDING && at < chunk.length) {
      const used = this.readFrame(chunk, at);
      if (used === 0) break;
      at += used;
    }
    if (this.state < ENDING && at < chunk.length) {
      this.partialBytes = chunk.length - at;
      this.partial = resized(chunk, at, this.partialBytes, this.neededBytes);
    }
  }

  /** Reads the frame at `at`: its length in bytes, or 0 if it is incomplete (or the connection failed). */
  private readFrame(data: Buffer, at: number): number {
    const available = data.length - at;
    if (available < 2) return this.needBytes(2);
    const b0 = data[at]!;
    const b1 = data[at + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) return this.failConnection(CloseCode.protocolError, 'reserved bits set (no extension was negotiated)');
    if ((b1 & 0x80) === 0) return this.failConnection(CloseCode.protocolError, 'client frames must be masked');
    let length = b1 & 0x7f;
    const header = length === 126 ? 8 : length === 127 ? 14 : 6;
    if (available < header) return this.needBytes(header);
    if (length === 126) length = data.readUInt16BE(at + 2);
    else if (length === 127) length = data.readUInt32BE(at + 2) * 2 ** 32 + data.readUInt32BE(at + 6);
    const refusal = this.frameRefusal(fin, opcode, length);
    if (refusal !== undefined) return this.failConnection(refusal.code, refusal.message);
    if (available < header + length) return this.needBytes(header + length);
    const start = at + header;
    unmask(data, start, start + length, data, start - 4);
    this.onFrame(fin, opcode, data.subarray(start, start + length));
    return header + length;
  }

  /** Why a frame with this header may not be read any further (checked before its payload is waited for). */
  private frameRefusal(fin: boolean, opcode: number, length: number): { code: number; message: string } | undefined {
    if (opcode >= Opcode.close) {
      if (opcode > Opcode.pong) return { code: CloseCode.protocolError, message: `unknown opcode ${opcode}` };
      if (!fin) return { code: CloseCode.protocolError, message: 'fragmented control frame' };
      if (length > MAX_CONTROL_PAYLOAD) return { code: CloseCode.protocolError, message: 'control frame over 125 bytes' };
      return undefined;
    }
    if (opcode > Opcode.binary) return { code: CloseCode.protocolError, message: `unknown opcode ${opcode}` };
    if (opcode === Opcode.continuation && this.fragmentOpcode === 0) {
      return { code: CloseCode.protocolError, message: 'continuation frame outside a fragmented message' };
    }
    if (opcode !== Opcode.continuation && this.fragmentOpcode !== 0) {
      return { code: CloseCode.protocolError, message: 'new message inside a fragmented one' };
    }
    const limits = this.websocketLimits();
    if (this.fragmentBytes + length > limits.maxPayloadBytes) {
      return { code: CloseCode.messageTooBig, message: `message over ${limits.maxPayloadBytes} bytes` };
    }
    if (!fin && this.fragmentCount + 1 >= limits.maxFragmentsPerMessage) {
      return { code: CloseCode.messageTooBig, message: `message in over ${limits.maxFragmentsPerMessage} fragments` };
    }
    return undefined;
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === Opcode.close) return this.onCloseFrame(payload);
    if (opcode === Opcode.ping) return this.state === OPEN && this.allowPing() ? this.sendFrameBytes(frame(Opcode.pong, payload)) : undefined;
    if (opcode === Opcode.pong) return this.state === OPEN ? this.onPong() : undefined;
    const open = this.state === OPEN; // closing: messages are read (a client may send until it sees our close) but dropped
    if (opcode !== Opcode.continuation) {
      if (fin) return open ? this.deliver(opcode, payload) : undefined;
      this.fragmentOpcode = opcode;
    }
    this.fragmentCount++;
    if (open) this.fragmentData = appended(this.fragmentData, this.fragmentBytes, payload, this.websocketLimits().maxPayloadBytes);
    this.fragmentBytes += payload.length;
    if (!fin) return;
    const message = this.fragmentData?.subarray(0, this.fragmentBytes) ?? EMPTY;
    const messageOpcode = this.fragmentOpcode;
    this.fragmentOpcode = this.fragmentCount = this.fragmentBytes = 0;
    this.fragmentData = undefined;
    if (open) this.deliver(messageOpcode, message);
  }

  private deliver(opcode: number, payload: Buffer): void {
    if (opcode === Opcode.text && !isUtf8(payload)) return void this.failConnection(CloseCode.invalidPayload, 'text message is not UTF-8');
    this.onMessage(payload, opcode === Opcode.binary);
  }

  /** The client's close frame: an answer to ours, or its own close, echoed (RFC 6455 §5.5.1). */
  private onCloseFrame(payload: Buffer): void {
    let code: number = CloseCode.noStatus;
    if (payload.length === 1) return void this.failConnection(CloseCode.protocolError, 'close frame with a 1-byte payload');
    if (payload.length >= 2) {
      code = payload.readUInt16BE(0);
      if (!isValidCloseCode(code)) return void this.failConnection(CloseCode.protocolError, `invalid close code ${code}`);
      if (!isUtf8(payload.subarray(2))) return void this.failConnection(CloseCode.invalidPayload, 'close reason is not UTF-8');
    }
    if (this.state === OPEN) this.socket!.write(code === CloseCode.noStatus ? frame(Opcode.close, EMPTY) : closeFrame(code));
    this.closeCode = code;
    this.end();
  }

  private needBytes(count: number): 0 {
    this.neededBytes = count;
    return 0;
  }

  /** Fails the connection (RFC 6455 §7.1.7): a close frame with `code`, then the end of the socket. */
  private failConnection(code: number, message: string): 0 {
    if (this.state >= ENDING) return 0;
    if (this.state === OPEN) this.socket!.write(closeFrame(code, message)); // else ours is already sent
    this.closeCode = code;
    this.end();
    this.onProtocolError(code, message);
    return 0;
  }

  /** Nothing more to read; the server closes its side first (RFC 6455 §7.1.1) and waits for the client's. */
  private end(): void {
    this.stopReading();
    this.socket!.end();
    this.armCloseTimer();
  }

  private stopReading(): void {
    this.state = ENDING;
    this.partial = this.fragmentData = undefined;
    this.partialBytes = this.fragmentOpcode = this.fragmentCount = this.fragmentBytes = 0;
  }

  private armCloseTimer(): void {
    if (this.closeTimer !== undefined) return;
    this.closeTimer = setTimeout(WebSocketConnection.onCloseTimeout, this.websocketLimits().closeTimeoutMs, this);
    this.closeTimer.unref();
  }

  // ---- socket listeners: one function each for every connection (`this` is the socket) ----

  private static onSocketData(this: OwnedSocket, chunk: Buffer): void {
    const connection = this[kConnection]!;
    try {
      connection.receive(chunk);
    } catch (err) {
      connection.terminate();
      try {
        connection.onInternalError(err);
      } catch {
        // A hook that throws in turn (a failing logger) must not take the process down.
      }
    }
  }

  /** The client half-closed without a close frame: the connection is over, our side ends too. */
  private static onSocketEnd(this: OwnedSocket): void {
    const connection = this[kConnection]!;
    if (connection.state < ENDING) connection.end();
  }

  /** A socket error (reset, broken pipe): the socket is done; its close follows. */
  private static onSocketError(this: OwnedSocket): void {
    const connection = this[kConnection]!;
    connection.stopReading();
    this.destroy();
  }

  private static onSocketClose(this: OwnedSocket): void {
    const connection = this[kConnection]!;
    if (connection.state === CLOSED) return;
    clearTimeout(connection.closeTimer);
    connection.closeTimer = undefined;
    connection.stopReading();
    connection.state = CLOSED;
    connection.onClosed(connection.closeCode);
  }

  private static onCloseTimeout(connection: WebSocketConnection): void {
    connection.closeTimer = undefined;
    connection.socket?.destroy();
  }
}

// Buffers of their own (allocUnsafeSlow), never slices of Node's shared 8 KiB pool: a small slice kept
// for long would keep its whole slab alive.

/** A buffer of `size` bytes starting with the `filled` bytes of `from` at `start`. */
function resized(from: Buffer, start: number, filled: number, size: number): Buffer {
  const out = Buffer.allocUnsafeSlow(size);
  from.copy(out, 0, start, start + filled);
  return out;
}

/** `data` (`filled` bytes used) with `payload` after them: grown when it must, doubling up to `max`. */
function appended(data: Buffer | undefined, filled: number, payload: Buffer, max: number): Buffer {
  const needed = filled + payload.length;
  let out = data;
  if (out === undefined || needed > out.length) {
    out = resized(out ?? EMPTY, 0, filled, Math.max(needed, Math.min(Math.max(2 * filled, 256), max)));
  }
  payload.copy(out, filled);
  return out;
}
